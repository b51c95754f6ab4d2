// Seeing spend, as a user checks it in Chromium on the page the daemon serves, against the ledger's
// own rows: History's totals for this and last week and month per server and per agent host, the
// search box narrowing the rows, a rule or budget edited in place deciding the next paid call
// (through the built bridge, to the real paid server on anvil), and a removal undone.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Locator, Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Period from '../../main/ledger/Period.js'
import * as Scope from '../../main/ledger/Scope.js'
import * as Amount from '../../main/payments/Amount.js'
import { openPage, policyRefusals, type Browser } from '../helpers/browser.js'
import { accounts } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig
let browser: Browser
let page: Page
let refused: string[] = []

const card = () => page.getByRole('region', { name: /asks to pay/ })
const report = (topic: string) => rig.client.callTool({ name: 'premium_report', arguments: { topic } }) as Promise<CallToolResult>
const nav = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click()
const table = (name: string) => page.getByRole('table', { name, exact: true })
const bodyRows = (locator: Locator) => locator.locator('tbody tr')
const status = (text: RegExp) => page.getByRole('status').filter({ hasText: text })
const last = () => rig.rows().at(-1)!
const sideways = () => page.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

/** A settled payment of `amount` micro-USD, as other servers and hosts would have left it. */
function seed(options: { upstream: string; host: string; target: string; amount: bigint; at: number }): number {
  return rig.ledger((db) => {
    const id = Payments.insert(db, {
      now: options.at,
      state: 'approved',
      context: { host: options.host, upstream: options.upstream, operation: 'tools/call', target: options.target },
      argumentsHash: `seed-${options.at}`,
      details: {
        kind: 'payment',
        realm: new URL(options.upstream).host,
        challengeId: `seed-${options.at}`,
        method: 'evm',
        protocol: 'mpp',
        intent: 'charge',
        scheme: null,
        amountAtomic: options.amount,
        currency: rig.chain.token,
        decimals: 6,
        symbol: 'USDC',
        recipient: accounts.recipient.address,
        chainId: rig.chain.chainId,
        budgetUnit: 'usd',
        budgetAmount: options.amount,
        flags: [],
        description: null,
      },
      decision: 'approved',
      decidedBy: 'human',
    })
    const reference = `0x${'ab'.repeat(24)}${options.at.toString(16).padStart(16, '0')}`
    Payments.transition(db, id, { from: ['approved'], to: 'confirmed', now: options.at, fields: { receiptReference: reference, transactionReference: reference, confirmedAt: options.at } })
    return id
  })
}

beforeAll(async () => {
  rig = await startRig()
  browser = await openPage(rig.daemon.ui, { width: 1280, height: 800 })
  page = browser.page
  refused = policyRefusals(page)
  await page.getByText('No payments are waiting for you.').waitFor()
  const now = new Date()
  seed({ upstream: 'https://search.example.com/mcp', host: 'Cursor', target: 'lookup', amount: 400_000n, at: Date.now() - 60_000 })
  seed({ upstream: 'https://search.example.com/mcp', host: 'Claude Code', target: 'lookup', amount: 1_100_000n, at: new Date(now.getFullYear(), now.getMonth() - 1, 15, 12).getTime() })
  seed({ upstream: 'https://other.example.com/mcp', host: 'Claude Code', target: 'fetch', amount: 70_000n, at: Period.bounds('week', now).start - 3_600_000 })
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await rig?.stop()
})

describe('Rules & budgets: edit and undo', () => {
  it('an edited rule decides the next paid call: lowered, the call asks; widened to the tool again, it pays', async () => {
    const { body: added } = await rig.daemon.api('POST', '/api/rules', { kind: 'auto-approve', amount: '0.30', scope: { server: rig.server.url }, recipient: accounts.recipient.address })
    expect((await report('by the rule')).isError).toBeFalsy()
    expect(await rig.outcome(last().id)).toMatchObject({ state: 'confirmed', decidedBy: `rule:${added.id}` })

    await nav('Rules & budgets')
    const row = bodyRows(table('Rules')).filter({ hasText: `127.0.0.1:${rig.server.port}` })
    await row.getByRole('button', { name: `Edit rule ${added.id}` }).click()
    const edit = page.getByRole('form', { name: `Edit rule ${added.id}` })
    expect(await edit.getByLabel('Amount (USD)').inputValue()).toBe('0.3')
    expect(await edit.getByLabel('Server', { exact: true }).inputValue()).toBe(rig.server.url)
    await edit.getByLabel('Amount (USD)').fill('0.10')
    await edit.getByRole('button', { name: 'Save' }).click()
    const lowered = added.id + 1
    await status(new RegExp(`^Rule ${lowered} replaces rule ${added.id}: \\$0\\.10 per call for 127\\.0\\.0\\.1:${rig.server.port}\\.$`)).waitFor()
    await edit.waitFor({ state: 'detached' })
    expect(await bodyRows(table('Rules')).allInnerTexts()).toEqual([`Auto-approve\t$0.10\t127.0.0.1:${rig.server.port}\t${accounts.recipient.address}\t\tEditRemove`])

    await nav('Approvals')
    const asked = report('above the edited rule')
    await card().waitFor({ timeout: 10_000 })
    await card().getByRole('button', { name: 'Decline' }).click()
    expect((await asked).isError).toBe(true)

    // The scope narrowed to the tool, the amount raised and a label given, in one edit.
    await nav('Rules & budgets')
    await page.getByRole('button', { name: `Edit rule ${lowered}` }).click()
    const again = page.getByRole('form', { name: `Edit rule ${lowered}` })
    await again.getByLabel('Amount (USD)').fill('0.25')
    await again.getByLabel('Call', { exact: true }).selectOption('Tool')
    await again.getByLabel('Tool name').fill('premium_report')
    await again.getByLabel('Label').fill('reports')
    // The form holds at the popup’s size.
    await page.setViewportSize({ width: 420, height: 700 })
    expect(await sideways()).toBe(0)
    await page.setViewportSize({ width: 1280, height: 800 })
    await again.getByRole('button', { name: 'Save' }).click()
    await status(new RegExp(`^Rule ${lowered + 1} replaces rule ${lowered}: \\$0\\.25 per call for \`premium_report\` on 127\\.0\\.0\\.1:${rig.server.port} \\(reports\\)\\.$`)).waitFor()
    expect((await rig.daemon.api('GET', '/api/rules')).body).toEqual([expect.objectContaining({ id: lowered + 1, amount: '$0.25', label: 'reports', recipient: accounts.recipient.address })])
    expect((await report('by the edited rule')).isError).toBeFalsy()
    expect(await rig.outcome(last().id)).toMatchObject({ state: 'confirmed', decidedBy: `rule:${lowered + 1}` })

    // A scope the companion refuses gets its sentence; the rule stays as it was.
    await page.getByRole('button', { name: `Edit rule ${lowered + 1}` }).click()
    const bad = page.getByRole('form', { name: `Edit rule ${lowered + 1}` })
    await bad.getByLabel('Server', { exact: true }).fill('')
    await bad.getByRole('button', { name: 'Save' }).click()
    await page.getByRole('alert').filter({ hasText: 'A scope that names a tool, resource or prompt must name its server.' }).waitFor()
    await bad.getByRole('button', { name: 'Cancel' }).click()
    expect((await rig.daemon.api('GET', '/api/rules')).body.map((rule: { id: number }) => rule.id)).toEqual([lowered + 1])
  })

  it('a removed budget comes back with Undo, the same budget with what it used; without Undo it stays removed', async () => {
    const form = page.getByRole('form', { name: 'Set a budget' })
    await form.getByLabel('Budget amount').fill('5')
    await form.getByRole('button', { name: 'Set budget' }).click()
    const added = status(/^Budget \d+: \$5\.00 per day for everything\.$/)
    await added.waitFor()
    const set = { id: Number(/^Budget (\d+)/.exec(await added.innerText())![1]) }
    const [before] = (await rig.daemon.api('GET', '/api/budgets')).body
    const { start } = Period.bounds('day', new Date())
    const usedToday = rig.rows().filter((row) => Payments.reserving.includes(row.state) && row.decidedAt! >= start).reduce((sum, row) => sum + row.details!.budgetAmount, 0n)
    expect(before).toMatchObject({ id: set.id, used: Amount.formatUsd(usedToday) })

    const budgets = table('Budgets')
    await expect.poll(() => bodyRows(budgets).count()).toBe(1)
    await page.getByRole('button', { name: `Remove budget ${set.id}` }).click()
    await status(new RegExp(`^Budget ${set.id} removed\\.$`)).waitFor()
    const undo = page.getByRole('button', { name: `Undo removing budget ${set.id}` })
    // The focus goes to Undo, so the keyboard reaches it at once.
    await expect.poll(() => undo.evaluate((button) => button === document.activeElement)).toBe(true)
    await page.getByText('No budgets: nothing caps what rules and leases may spend.').waitFor()
    expect((await rig.daemon.api('GET', '/api/budgets')).body).toEqual([])
    await page.keyboard.press('Enter')
    await status(new RegExp(`^Budget ${set.id} is back: \\$5\\.00 per day for everything\\.$`)).waitFor()
    await undo.waitFor({ state: 'detached' })
    expect((await rig.daemon.api('GET', '/api/budgets')).body).toEqual([before])
    expect(await bodyRows(budgets).innerText()).toMatch(new RegExp(`^\\$5\\.00 per day\\teverything\\t${before.used.replace('$', '\\$').replace('.', '\\.')}`))

    // Left alone, Undo goes after a few seconds and the removal stands.
    await page.getByRole('button', { name: `Remove budget ${set.id}` }).click()
    await undo.waitFor()
    await undo.waitFor({ state: 'detached', timeout: 10_000 })
    expect((await rig.daemon.api('GET', '/api/budgets')).body).toEqual([])
  })
})

describe('History: spend per period and the search', () => {
  /** The period table as the ledger's rows say it should read: per server (or host), each period's spend, or — . */
  function expected(by: (row: Payments.Row) => string): string[] {
    const now = new Date()
    const week = Period.bounds('week', now)
    const month = Period.bounds('month', now)
    const ranges = [week, Period.bounds('week', new Date(week.start - 1)), month, Period.bounds('month', new Date(month.start - 1))]
    const spent = rig.rows().filter((row) => Payments.reserving.includes(row.state))
    const cell = (rows: Payments.Row[], range: { start: number; end: number }) => {
      const total = rows.filter((row) => row.createdAt >= range.start && row.createdAt < range.end).reduce((sum, row) => sum + row.details!.budgetAmount, 0n)
      return total > 0n ? Amount.formatUsd(total) : '—'
    }
    const keys = [...new Set(spent.filter((row) => row.createdAt >= ranges[3]!.start).map(by))].sort()
    return keys.map((key) => [key, ...ranges.map((range) => cell(spent.filter((row) => by(row) === key), range))].join('\t'))
  }

  it('totals this and last week and month per server and per agent host, as the ledger’s rows add up, within the filters', async () => {
    await nav('History')
    const byServer = table('Spend by server')
    await byServer.waitFor()
    expect((await byServer.locator('thead').innerText()).trim()).toBe('Server\tThis week\tLast week\tThis month\tLast month')
    // Rows are listed by the full server, each labelled with its short name.
    const servers = expected((row) => row.upstream).map((line) => line.replace(/^[^\t]+/, (upstream) => Scope.upstreamLabel(upstream)))
    await expect.poll(() => bodyRows(byServer).allInnerTexts()).toEqual(servers)
    expect(servers).toHaveLength(3)

    await page.getByLabel('Group by').selectOption('Agent host')
    const byHost = table('Spend by agent host')
    expect(await bodyRows(byHost).allInnerTexts()).toEqual(expected((row) => row.host))
    const totalRow = (await byHost.locator('tfoot').innerText()).trim()
    expect(totalRow).toBe(['Total', ...expected(() => 'all')[0]!.split('\t').slice(1)].join('\t'))

    const filters = page.getByRole('search', { name: 'Filter payments' })
    await filters.getByLabel('Agent host').selectOption('Claude Code')
    await expect.poll(() => bodyRows(byHost).allInnerTexts()).toEqual(expected((row) => row.host).filter((line) => line.startsWith('Claude Code\t')))
    await page.getByLabel('Group by').selectOption('Server')
    expect(await bodyRows(byServer).allInnerTexts()).toEqual(
      expected((row) => (row.host === 'Claude Code' ? row.upstream : '')).filter((line) => line.startsWith('https')).map((line) => line.replace(/^[^\t]+/, (upstream) => Scope.upstreamLabel(upstream))),
    )
    await filters.getByRole('button', { name: 'Clear filters' }).click()
    await expect.poll(() => bodyRows(byServer).count()).toBe(3)

    for (const size of [{ width: 420, height: 700 }, { width: 1280, height: 800 }]) {
      await page.setViewportSize(size)
      expect(await sideways()).toBe(0)
    }
    expect(refused).toEqual([])
  })

  it('the search box narrows the rows and the totals: by call, host, transaction and payment id', async () => {
    const history = table('Payment history')
    const search = page.getByRole('search', { name: 'Filter payments' }).getByLabel('Search')
    const totals = page.locator('.totals')
    const rows = rig.rows()
    const spentText = (selected: Payments.Row[]) => {
      const spent = selected.filter((row) => Payments.reserving.includes(row.state)).reduce((sum, row) => sum + row.details!.budgetAmount, 0n)
      return `${selected.length} payment${selected.length === 1 ? '' : 's'} · spent ${spent > 0n ? Amount.formatUsd(spent) : 'nothing'}`
    }

    await search.fill('LOOKUP')
    const lookups = rows.filter((row) => row.target === 'lookup')
    await expect.poll(() => totals.innerText()).toBe(spentText(lookups))
    expect(await bodyRows(history).count()).toBe(lookups.length)
    expect(await bodyRows(table('Spend by server')).allInnerTexts()).toEqual([expect.stringMatching(/^search\.example\.com\t/)])

    await search.fill('claude')
    const claude = rows.filter((row) => row.host === 'Claude Code')
    await expect.poll(() => totals.innerText()).toBe(spentText(claude))

    const paid = rows.filter((row) => row.upstream === rig.server.url && row.state === 'confirmed').at(-1)!
    await search.fill(paid.transactionReference!.slice(-16).toUpperCase())
    await expect.poll(() => totals.innerText()).toBe(spentText([paid]))
    expect(await bodyRows(history).innerText()).toContain('premium_report')

    const declined = rows.find((row) => row.state === 'declined')!
    await search.fill(`#${declined.id}`)
    await expect.poll(() => totals.innerText()).toBe('1 payment · spent nothing')
    expect(await bodyRows(history).innerText()).toContain('declined')

    await search.fill('nothing like it')
    await page.getByText('No payments match.').waitFor()
    await page.getByRole('button', { name: 'Clear filters' }).click()
    await expect.poll(() => search.inputValue()).toBe('') // the box follows the cleared filter on the next render
    await expect.poll(() => totals.innerText()).toBe(spentText(rows))
  })
})
