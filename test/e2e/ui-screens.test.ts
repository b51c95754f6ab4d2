// The main window's screens end to end, as a user drives them in Chromium on the page the daemon
// serves: an agent host (the SDK client) → the built bridge → the real paid server on anvil. What is
// set in Rules & budgets decides the next paid call; History and Wallet show what the ledger and
// the chain hold. With ALLOWANCE_SCREENSHOTS=1, the Rules & budgets screenshot goes to docs/ (History's and
// Wallet's: ui-product.test.ts).
import { readFileSync } from 'node:fs'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Locator, Page } from 'playwright-core'
import { erc20Abi, parseEventLogs } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Leases from '../../main/ledger/Leases.js'
import * as PaymentRecord from '../../main/ledger/PaymentRecord.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Amount from '../../main/payments/Amount.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { openPage, policyRefusals, screenshot, type Browser } from '../helpers/browser.js'
import { accounts } from '../helpers/chain.js'
import { ok } from '../helpers/cli.js'
import { startDaemon } from '../helpers/companion.js'
import { temporaryHome } from '../helpers/processes.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig
let browser: Browser
let page: Page
/** What the browser refused under the page's Content Security Policy (an inline style, say). */
let refused: string[] = []

const card = () => page.getByRole('region', { name: /asks to pay/ })
const report = (topic: string) => rig.client.callTool({ name: 'premium_report', arguments: { topic } }) as Promise<CallToolResult>
const nav = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click()
const form = (name: string) => page.getByRole('form', { name })
const table = (name: string) => page.getByRole('table', { name, exact: true })
const rowsOf = (locator: Locator) => locator.getByRole('row').filter({ hasNot: page.getByRole('columnheader') })
const last = () => rig.rows().at(-1)!
const payer = () => rig.chain.balanceOf(rig.chain.token, accounts.payer.address)

/** Calls the tool, waits for the card the human must answer, and answers with `button` (after `before`). */
async function askedAndAnswered(topic: string, button: string, before?: (shown: Locator) => Promise<void>): Promise<CallToolResult> {
  const call = report(topic)
  await card().waitFor({ timeout: 10_000 })
  await before?.(card())
  await card().getByRole('button', { name: button }).click()
  return call
}

beforeAll(async () => {
  rig = await startRig()
  browser = await openPage(rig.daemon.ui, { width: 1200, height: 900 })
  page = browser.page
  refused = policyRefusals(page)
  await page.getByText('No payments are waiting for you.').waitFor()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await rig?.stop()
})

describe('Rules & budgets', () => {
  it('sets a budget; bad input gets the companion’s sentence and changes nothing', async () => {
    await nav('Rules & budgets')
    const budget = form('Set a budget')
    await budget.getByLabel('Budget amount').fill('5')
    await budget.getByRole('button', { name: 'Set budget' }).click()
    await page.getByRole('status').filter({ hasText: /^Budget \d+: \$5\.00 per day for everything\.$/ }).waitFor()
    await expect.poll(() => rowsOf(table('Budgets')).allInnerTexts()).toEqual([expect.stringMatching(/^\$5\.00 per day\teverything\t\$0\.00\s*\t\$5\.00\t/)])

    await budget.getByLabel('Budget amount').fill('five')
    await budget.getByRole('button', { name: 'Set budget' }).click()
    expect(await budget.locator('..').getByRole('alert').innerText()).toBe('The amount "five" is not a decimal number like "1.50".')
    await budget.getByLabel('Budget amount').fill('1')
    await budget.getByLabel('Call', { exact: true }).selectOption('Tool')
    await budget.getByLabel('Tool name').fill('premium_report')
    await budget.getByRole('button', { name: 'Set budget' }).click()
    await page.getByRole('alert').filter({ hasText: 'A scope that names a tool, resource or prompt must name its server.' }).waitFor()
    expect(await rowsOf(table('Budgets')).count()).toBe(1)
    expect((await rig.daemon.api('GET', '/api/budgets')).body).toHaveLength(1)
  })

  it('adding a rule makes the next call auto-approved: no card, the rule named in the history', async () => {
    const rule = form('Add a rule')
    await rule.getByLabel('Amount per call').fill('0.25')
    await rule.getByLabel('Server', { exact: true }).fill(rig.server.url)
    await rule.getByLabel('Call', { exact: true }).selectOption('Tool')
    await rule.getByLabel('Tool name').fill('premium_report')
    // Without it, a recipient never approved on this server would still ask first.
    await rule.getByLabel('Trusted recipient (optional)').fill(accounts.recipient.address)
    await rule.getByRole('button', { name: 'Add rule' }).click()
    const added = page.getByRole('status').filter({ hasText: /^Rule \d+: pay without asking up to \$0\.25 per call/ })
    await added.waitFor()
    const ruleId = Number(/^Rule (\d+)/.exec(await added.innerText())![1])
    await expect.poll(() => rowsOf(table('Rules')).allInnerTexts()).toEqual([`Auto-approve\t$0.25\t\`premium_report\` on 127.0.0.1:${rig.server.port}\t${accounts.recipient.address}\t\tEditRemove`])

    const result = await report('by rule')
    expect(result.isError).toBeFalsy()
    expect(await card().count()).toBe(0)
    expect(await rig.outcome(last().id)).toMatchObject({ state: 'confirmed', decidedBy: `rule:${ruleId}` })
    // A limit on every server, which stays for the screenshot.
    await rule.getByLabel('Kind').selectOption('Limit: decline above')
    await rule.getByLabel('Amount per call').fill('2')
    await rule.getByRole('button', { name: 'Add rule' }).click()
    await page.getByRole('status').filter({ hasText: /decline anything above \$2\.00 per call for everything/ }).waitFor()
  })

  it('lowering the budget declines the next call as over budget; raising it again lets calls through', async () => {
    const budgetRow = rowsOf(table('Budgets')).first()
    // The screen follows the ledger live: the rule's payment shows in the budget's use.
    await expect.poll(() => budgetRow.innerText()).toMatch(/^\$5\.00 per day\teverything\t\$0\.25\s*\t\$4\.75\t/)
    await budgetRow.getByRole('button', { name: /^Edit budget/ }).click()
    const edit = page.getByRole('form', { name: /^Edit budget \d+$/ })
    await edit.getByLabel('Amount (USD)').fill('0.30')
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: /^Budget \d+ replaces budget \d+: \$0\.30 per day for everything\.$/ }).waitFor()
    await expect.poll(() => rowsOf(table('Budgets')).first().innerText()).toMatch(/^\$0\.30 per day\teverything\t\$0\.25\s*\t\$0\.05\t/)

    const before = await payer()
    const declined = await report('over budget')
    expect(declined.isError).toBe(true)
    expect(declined.content).toEqual([
      { type: 'text', text: `Payment of 0.25 USDC to 127.0.0.1:${rig.server.port} for \`premium_report\` was declined: today's budget of $0.30 has $0.05 left.` },
    ])
    expect(last()).toMatchObject({ state: 'declined', declineReason: 'budget_exceeded' })
    expect(await payer()).toBe(before)

    const row = rowsOf(table('Budgets')).first()
    await row.getByRole('button', { name: /^Edit budget/ }).click()
    await edit.getByLabel('Amount (USD)').fill('5.00')
    await edit.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('status').filter({ hasText: /^Budget \d+ replaces budget \d+: \$5\.00 per day/ }).waitFor()
  })

  it('a lease pays without a card until it is revoked in the UI; then the card is back', async () => {
    const ruleRow = rowsOf(table('Rules')).filter({ hasText: 'premium_report' })
    await ruleRow.getByRole('button', { name: /^Remove rule/ }).click()
    await page.getByRole('status').filter({ hasText: /^Rule \d+ removed\.$/ }).waitFor()

    await nav('Approvals')
    const granted = await askedAndAnswered('lease 1', 'Allow for 30 minutes', (shown) => shown.getByLabel('Lease limit in USD').fill('1.00'))
    expect(granted.isError).toBeFalsy()
    expect((await report('lease 2')).isError).toBeFalsy()
    expect(last()).toMatchObject({ decidedBy: expect.stringMatching(/^lease:\d+$/) })
    expect(await card().count()).toBe(0)

    await nav('Rules & budgets')
    const lease = rowsOf(table('Leases'))
    await expect.poll(() => lease.count()).toBe(1)
    expect(await lease.innerText()).toMatch(new RegExp(`^127\\.0\\.0\\.1:${rig.server.port}\\t\\$0\\.50 of \\$1\\.00\\s*\\t\\$0\\.50\\t(29:[0-5]\\d|30:00)\\t`))
    await rowsOf(table('Budgets')).first().getByRole('meter').waitFor()
    await screenshot(page.locator('.app'), 'rules-and-budgets')

    await lease.getByRole('button', { name: /^Revoke lease/ }).click()
    await page.getByRole('status').filter({ hasText: /^Lease \d+ revoked: its calls ask you again\.$/ }).waitFor()
    await page.getByText('No leases in force.').waitFor()

    await nav('Approvals')
    expect((await askedAndAnswered('after revoke', 'Decline')).isError).toBe(true)
  })

  it('a short lease pays until it runs out, counting down on the screen; then the card is back', async () => {
    const now = Date.now()
    rig.ledger((db) => Leases.add(db, { scope: { upstream: rig.server.url }, unit: 'usd', amount: 1_000_000n, expiresAt: now + 6000, now }))
    expect((await report('short lease')).isError).toBeFalsy()
    expect(last()).toMatchObject({ decidedBy: expect.stringMatching(/^lease:\d+$/) })

    await nav('Rules & budgets')
    const timer = rowsOf(table('Leases')).getByRole('timer')
    expect(await timer.innerText()).toMatch(/^0:0[0-6]$/)
    await page.getByText('No leases in force.').waitFor({ timeout: 10_000 })

    await nav('Approvals')
    expect((await askedAndAnswered('after expiry', 'Decline')).isError).toBe(true)
  })

  it('pauses and resumes payments', async () => {
    await nav('Rules & budgets')
    await page.getByRole('button', { name: 'Pause payments' }).click()
    await page.getByText('Payments are paused: every payment is declined until you resume.').waitFor()
    const paused = await report('paused')
    expect(paused.content).toEqual([{ type: 'text', text: `Payment of 0.25 USDC to 127.0.0.1:${rig.server.port} for \`premium_report\` was declined: payments are paused in Allowance.` }])
    await page.getByRole('button', { name: 'Resume payments' }).click()
    await page.getByText(/^Payments are on/).waitFor()
    expect((await rig.daemon.api('GET', '/api/status')).body.paused).toBe(false)
  })

  it('shows a pause made outside the window (the CLI, the tray) once the window has the focus again', async () => {
    await nav('Rules & budgets')
    await page.getByText(/^Payments are on/).waitFor()
    await ok(rig.home, ['pause'])
    await page.evaluate(() => window.dispatchEvent(new Event('focus')))
    await page.getByText('Payments are paused: every payment is declined until you resume.').waitFor()
    await ok(rig.home, ['resume'])
    await page.evaluate(() => window.dispatchEvent(new Event('focus')))
    await page.getByText(/^Payments are on/).waitFor()
  })
})

describe('History', () => {
  it('shows a confirmed row with its transaction, which is on the chain, and its details', async () => {
    await nav('History')
    const settled = rig.rows().filter((row) => row.state === 'confirmed').at(-1)!
    const hash = settled.receiptReference as `0x${string}`
    const receipt = await rig.chain.client.getTransactionReceipt({ hash })
    expect(receipt.status).toBe('success')
    const [transfer] = parseEventLogs({ abi: erc20Abi, eventName: 'Transfer', logs: receipt.logs })
    expect(transfer?.address.toLowerCase()).toBe(rig.chain.token.toLowerCase())
    expect(transfer?.args).toEqual({ from: accounts.payer.address, to: accounts.recipient.address, value: 250_000n })

    const row = rowsOf(table('Payment history')).filter({ has: page.getByTitle(hash) })
    expect(await row.innerText()).toMatch(new RegExp(`\\tconfirmed\\t0\\.25 USDC\\tMPP\\tpremium_report\\t127\\.0\\.0\\.1:${rig.server.port}\\ttest-host\\t0x[0-9a-f]{4}…[0-9a-f]{4}\\s*Copy\\tDetails$`))
    await row.getByRole('button', { name: 'Details' }).click()
    const details = page.getByRole('dialog', { name: `Payment ${settled.id}` })
    await details.getByText('Receipt', { exact: true }).waitFor()
    const text = await details.innerText()
    expect(text).toContain(`Receipt\n${hash} Copy`)
    expect(text).toContain(`Challenge\n${settled.challengeId} Copy`)
    expect(text).toContain(`Recipient\n${accounts.recipient.address}`)
    expect(text).toContain('Method\nUSDC on Local test chain')
    expect(text).toMatch(/Decision\n(You approved it on the card|Your lease: pay up to \$\d+\.\d\d in all on .*|Your rule: pay up to \$\d+\.\d\d a call .*) at /)
    await page.keyboard.press('Escape')
    await details.waitFor({ state: 'detached' })
  })

  it('filters narrow the rows, the totals and the chart; the CSV downloads the filtered rows', async () => {
    const all = rig.rows()
    const spent = all.filter((row) => Payments.reserving.includes(row.state))
    const totals = page.locator('.totals')
    await expect.poll(() => totals.innerText()).toBe(`${all.length} payments · spent ${Amount.formatUsd(spent.reduce((sum, row) => sum + row.details!.budgetAmount, 0n))}`)
    const chart = page.getByRole('figure', { name: 'Daily spend per server (US dollars)' })
    const legend = await chart.getByRole('list', { name: 'Spend per server' }).innerText()
    expect(legend.split(/\s+/)).toEqual([`127.0.0.1:${rig.server.port}`, `$${Amount.format(BigInt(spent.length) * 250_000n, 6, { minFraction: 2 })}`])
    expect(await chart.locator('svg rect[class^="series-"]').count()).toBeGreaterThan(0)
    await chart.getByText('Daily spend as a table').click()
    expect(await chart.getByRole('table').getByRole('row').nth(1).innerText()).toMatch(/\$\d+\.\d\d\t\$\d+\.\d\d$/)
    await chart.getByText('Daily spend as a table').click()
    expect(refused).toEqual([]) // the chart draws under the strict CSP: no inline style or script

    const filters = page.getByRole('search', { name: 'Filter payments' })
    await filters.getByLabel('State').selectOption('declined')
    const declined = all.filter((row) => row.state === 'declined')
    await expect.poll(() => totals.innerText()).toBe(`${declined.length} payment${declined.length === 1 ? '' : 's'} · spent nothing`)
    expect(await rowsOf(table('Payment history')).count()).toBe(declined.length)
    expect(await page.getByRole('figure').count()).toBe(0)

    await filters.getByLabel('State').selectOption('confirmed')
    const settled = all.filter((row) => row.state === 'confirmed')
    await expect.poll(() => totals.innerText()).toMatch(new RegExp(`^${settled.length} payments? · spent \\$`))
    const [download] = await Promise.all([page.waitForEvent('download'), page.getByRole('button', { name: 'Export CSV' }).click()])
    expect(download.suggestedFilename()).toMatch(/^allowance-history-\d{4}-\d{2}-\d{2}\.csv$/)
    const lines = readFileSync((await download.path())!, 'utf8').split('\r\n')
    expect(lines[0]).toBe(PaymentRecord.columns.join(','))
    expect(lines.slice(1).map((line) => line.split(',')[0])).toEqual(settled.map((row) => String(row.id)).reverse())
    expect(lines.slice(1).every((line) => line.split(',')[2] === 'confirmed')).toBe(true)

    const tomorrow = new Date(Date.now() + 86_400_000)
    const day = `${tomorrow.getFullYear()}-${String(tomorrow.getMonth() + 1).padStart(2, '0')}-${String(tomorrow.getDate()).padStart(2, '0')}`
    await filters.getByLabel('From').fill(day)
    await page.getByText('No payments match.').waitFor()
    expect(await totals.innerText()).toBe('0 payments · spent nothing')
    await filters.getByLabel('To').fill('2020-01-01')
    expect(await page.getByRole('alert').innerText()).toBe('The range must start before it ends.')
    await filters.getByRole('button', { name: 'Clear filters' }).click()
    await expect.poll(() => totals.innerText()).toMatch(new RegExp(`^${all.length} payments`))
  })
})

describe('Wallet', () => {
  it('shows the address, the on-chain balance of the test token on its test network, and how to import a key', async () => {
    await nav('Wallet')
    expect(await page.getByLabel('Wallet address', { exact: true }).innerText()).toBe(accounts.payer.address)
    const balance = rowsOf(table('Balances'))
    await balance.first().waitFor()
    expect(await balance.allInnerTexts()).toEqual([`Local test chainTest network\tUSDC\t${Amount.format(await payer(), 6)} USDC`])
    expect(await page.getByRole('region', { name: 'Card' }).innerText()).toContain('No card.')
  })

  it('creates a wallet: the key goes to the keychain, the page gets the address', async () => {
    const home = temporaryHome()
    const daemon = await startDaemon(home.home)
    const fresh = await openPage(daemon.ui)
    try {
      await fresh.page.getByRole('button', { name: 'Wallet', exact: true }).click()
      await fresh.page.getByText('There is no wallet yet.', { exact: false }).waitFor()
      expect(await fresh.page.getByText('allowance wallet import < key.txt').count()).toBe(1)
      await fresh.page.getByRole('button', { name: 'Create a wallet' }).click()
      const address = await fresh.page.getByLabel('Wallet address', { exact: true }).innerText()
      expect(address).toBe(Wallet.info(home.home)!.address)
      expect(await fresh.page.getByRole('status').filter({ hasText: 'Created wallet' }).innerText()).toBe(
        `Created wallet ${address}; its key is in ${Wallet.where(Wallet.info(home.home)!)}. Fund it to pay for tools.`,
      )
      expect((await daemon.api('POST', '/api/wallet/create')).body).toEqual({ error: `There is already a wallet (${address}).` })
    } finally {
      await fresh.close()
      await Wallet.remove(home.home, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
      daemon.process.kill()
      home.remove()
    }
  })
})
