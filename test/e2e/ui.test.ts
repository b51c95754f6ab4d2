// The headless UI end to end: an agent host (the SDK client) → the built bridge → the real paid
// server on anvil, with the companion asking a human, who answers in Chromium on the page the
// daemon serves. With ALLOWANCE_SCREENSHOTS=1, the queue's screenshot goes to docs/ (the card's: ui-product.test.ts).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import { openPage, screenshot, type Browser } from '../helpers/browser.js'
import { accounts } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig
let browser: Browser
let page: Page

const price = 250_000n // premium_report: 0.25 USDC
const payer = () => rig.chain.balanceOf(rig.chain.token, accounts.payer.address)
const card = () => page.getByRole('region', { name: /asks to pay/ })
const report = (topic: string) => rig.client.callTool({ name: 'premium_report', arguments: { topic } }) as Promise<CallToolResult>
const text = (locator: Locator) => locator.innerText()
const declinedText = (how: string) => `Payment of 0.25 USDC to 127.0.0.1:${rig.server.port} for \`premium_report\` was declined: ${how}.`

/** Waits for the card of the next waiting payment and returns its payment id. */
async function asked(): Promise<number> {
  await card().waitFor({ timeout: 10_000 })
  const { body } = await rig.daemon.api('GET', '/api/approvals')
  return body[0].paymentId
}

beforeAll(async () => {
  rig = await startRig()
  rig.ledger((db) => Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 5_000_000n, now: Date.now() }))
  browser = await openPage(rig.daemon.ui)
  page = browser.page
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await rig?.stop()
})

describe('the page', () => {
  it('is served only from the printed URL; the API takes the token from the header only; a strict CSP', async () => {
    const { origin, href } = rig.daemon.ui
    const token = rig.daemon.ui.searchParams.get('token')!
    expect((await fetch(origin)).status).toBe(401)
    expect((await fetch(`${origin}/?token=wrong`)).status).toBe(401)
    const served = await fetch(href)
    expect(served.status).toBe(200)
    expect(served.headers.get('content-security-policy')).toMatch(/default-src 'none'; script-src 'self'; style-src 'self'/)
    expect(served.headers.get('referrer-policy')).toBe('no-referrer')
    const script = /src="\.?(\/assets\/[^"]+\.js)"/.exec(await served.text())![1]!
    expect((await fetch(origin + script)).headers.get('content-type')).toMatch(/^text\/javascript/)
    expect((await fetch(`${origin}/assets/../../package.json`)).status).toBe(404)
    expect((await fetch(`${origin}/api/approvals?token=${token}`)).status).toBe(401)
    expect((await fetch(href, { headers: { origin: 'https://evil.example' } })).status).toBe(403)
    await page.getByText('No payments are waiting for you.').waitFor()
    expect(await page.getByRole('status').innerText()).toBe('Connected')
  })
})

describe('a paid call a human must approve', () => {
  it('shows the card: host, tool, amount from the registry, recipient, budget left, flags', async () => {
    const call = report('tides')
    const paymentId = await asked()
    const shown = card()
    expect(await text(shown.getByRole('heading'))).toBe('test-host asks to pay')
    expect(await text(shown.getByLabel('Amount'))).toBe('0.25 USDC ≈ $0.25')
    const facts = await text(shown.locator('dl.facts'))
    expect(facts).toContain('tool premium_report')
    expect(facts).toContain(`127.0.0.1:${rig.server.port} · realm paid.test.local`)
    const recipient = accounts.recipient.address
    expect(facts).toContain(`${recipient.slice(0, 6)}…${recipient.slice(-4)}`)
    expect(await shown.getByTitle(recipient).count()).toBe(1)
    expect(facts).toContain('Network\nLocal test chain')
    expect(facts).toContain('Pay with\nUSDC on Local test chain')
    expect(facts).toContain('$4.75 of $5.00 left today after this payment')
    expect(facts).toContain('“premium_report”') // the server's description, as its words
    expect(await text(shown.getByRole('list', { name: 'Risk flags' }))).toMatch(
      /First payment to this server\n.*First payment to this recipient\n.*realm paid.test.local is not the server's address\n.*Test network/s,
    )
    expect(await text(shown.getByRole('timer'))).toMatch(/^Declines in [01]:\d\d$/)
    // The arguments are collapsed until asked for, then listed by name.
    const listed = shown.locator('.argument-list')
    expect(await listed.isVisible()).toBe(false)
    await shown.getByText('Arguments').click()
    expect(await text(listed)).toMatch(/^topic\s+tides$/)

    const before = await payer()
    await shown.getByRole('button', { name: 'Pay once' }).click()
    const result = await call
    expect(result.isError).toBeFalsy()
    expect(JSON.stringify(result.content)).toContain('tides')
    expect(await payer()).toBe(before - price)
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', decidedBy: 'human' })
    await page.getByText('No payments are waiting for you.').waitFor()

    await page.getByRole('button', { name: 'History' }).click()
    const settled = page.getByRole('row').filter({ has: page.getByTitle(row.receiptReference!) })
    expect(await text(settled)).toMatch(/confirmed\t0\.25 USDC\tMPP\tpremium_report\t127\.0\.0\.1:\d+\ttest-host\t0x[0-9a-f]{4}…[0-9a-f]{4}\s*Copy\tDetails$/)
    expect((await rig.daemon.api('GET', '/api/history?limit=1')).body.rows).toEqual([
      expect.objectContaining({ id: paymentId, state: 'confirmed', amount: '0.25 USDC', target: 'premium_report', host: 'test-host', reference: row.receiptReference }),
    ])

    await page.getByRole('button', { name: 'Rules & budgets' }).click()
    await expect.poll(() => text(page.getByRole('table', { name: 'Budgets' }).getByRole('row').nth(1))).toMatch(/^\$5\.00 per day\teverything\t\$0\.25\s*\t\$4\.75\t/)
    await page.getByRole('button', { name: 'Approvals' }).click()
  })

  it('Decline returns the sentence to the agent and moves nothing', async () => {
    const before = await payer()
    const call = report('declined')
    const paymentId = await asked()
    // A broken approval request is refused and changes nothing: the card still waits.
    const broken = await fetch(`${rig.daemon.ui.origin}/api/approvals/${paymentId}/approve`, {
      method: 'POST',
      headers: { 'x-allowance-token': rig.daemon.ui.searchParams.get('token')!, 'content-type': 'application/json' },
      body: '{"option": "once"',
    })
    expect({ status: broken.status, body: await broken.json() }).toEqual({ status: 400, body: { error: 'The request body is not valid JSON.' } })
    expect(rig.rows().find((row) => row.id === paymentId)).toMatchObject({ state: 'requested' })
    await card().getByRole('button', { name: 'Decline' }).click()
    const result = await call
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: declinedText('the user declined it') }])
    expect(await payer()).toBe(before)
    expect(rig.rows().find((row) => row.id === paymentId)).toMatchObject({ state: 'declined', declineReason: 'declined_by_user', decidedBy: 'human' })
  })

  it('Esc declines', async () => {
    const before = await payer()
    const call = report('escaped')
    await asked()
    await page.keyboard.press('Escape')
    expect((await call).content).toEqual([{ type: 'text', text: declinedText('the user declined it') }])
    expect(await payer()).toBe(before)
  })

  it('a bare Enter (or Space) on the focused Pay button does not pay; Ctrl+Enter does', async () => {
    const before = await payer()
    const call = report('keyboard')
    const paymentId = await asked()
    await page.keyboard.press('Enter')
    const pay = card().getByRole('button', { name: 'Pay once' })
    await pay.focus()
    await page.keyboard.press('Enter')
    await page.keyboard.press('Space')
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect((await rig.daemon.api('GET', '/api/approvals')).body.map((entry: { paymentId: number }) => entry.paymentId)).toEqual([paymentId])
    expect(await payer()).toBe(before)

    await page.keyboard.press('Control+Enter')
    expect((await call).isError).toBeFalsy()
    expect(await payer()).toBe(before - price)
  })

  it('Decline all clears a queue of five', async () => {
    const before = await payer()
    const calls = ['a', 'b', 'c', 'd', 'e'].map((topic) => report(`queued ${topic}`))
    await page.getByText('5 payments waiting').waitFor({ timeout: 10_000 })
    expect(await page.getByRole('navigation', { name: 'Waiting payments' }).getByRole('listitem').count()).toBe(5)
    await screenshot(page, 'queue')
    await page.getByRole('button', { name: 'Decline all' }).click()
    for (const result of await Promise.all(calls)) expect(result.content).toEqual([{ type: 'text', text: declinedText('the user declined it') }])
    await page.getByText('No payments are waiting for you.').waitFor()
    expect(await payer()).toBe(before)
  })

  it('a 30-minute lease pays the next calls on this server without asking', async () => {
    const before = await payer()
    const first = report('leased 1')
    await asked()
    await card().getByLabel('Lease limit in USD').fill('1.00')
    await card().getByRole('button', { name: 'Allow for 30 minutes' }).click()
    expect((await first).isError).toBeFalsy()
    const second = await report('leased 2')
    expect(second.isError).toBeFalsy()
    expect(rig.rows().at(-1)).toMatchObject({ decidedBy: expect.stringMatching(/^lease:\d+$/) })
    expect(await payer()).toBe(before - 2n * price)
  })
})
