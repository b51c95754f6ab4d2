// The main window's routes of the UI API, called as the page calls them (through UiApi, without a
// transport): the history's filters, totals, chart and CSV come from the ledger; every change is
// checked as the CLI checks it, and bad input gets one sentence and changes nothing.
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Companion } from '../../../main/companion/Companion.js'
import * as UiApi from '../../../main/companion/UiApi.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as PaymentRecord from '../../../main/ledger/PaymentRecord.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Period from '../../../main/ledger/Period.js'
import * as Prices from '../../../main/ledger/Prices.js'
import * as ServerSettings from '../../../main/ledger/ServerSettings.js'
import * as Amount from '../../../main/payments/Amount.js'
import type { Logger } from '../../../main/shared/Log.js'
import * as Home from '../../../main/shared/Home.js'
import { temporaryHome } from '../../helpers/processes.js'
import { fileWallet } from '../../helpers/wallet.js'

const home = temporaryHome()
const log = { debug() {}, info() {}, warn() {}, error() {}, close: async () => {} } as Logger
const upstream = 'https://tools.example.com/mcp'
const other = 'https://other.example.com/mcp'
let companion: Companion
let api: UiApi.UiApi

async function call(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const reply = await api.handle({ method, path, body })
  return { status: reply.status, body: JSON.parse(reply.json) }
}

/** A payment row as a decision leaves it: `amount` in micro-USD of a USD-pegged token. */
function payment(options: { upstream?: string; target?: string; host?: string; state: 'confirmed' | 'declined'; amount: bigint; at: number }): number {
  const { db } = companion
  const details: Payments.Details = {
    kind: 'payment',
    realm: 'tools.example.com',
    challengeId: `challenge-${options.at}`,
    method: 'evm',
    protocol: 'mpp',
    intent: 'charge',
    scheme: null,
    amountAtomic: options.amount,
    currency: '0x036CbD53842c5426634e7929541eC2318f3dCF7e',
    decimals: 6,
    symbol: 'USDC',
    recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    chainId: 84532,
    budgetUnit: 'usd',
    budgetAmount: options.amount,
    flags: [],
    description: null,
  }
  const context = { host: options.host ?? 'Cursor', upstream: options.upstream ?? upstream, operation: 'tools/call' as const, target: options.target ?? 'search' }
  const approved = options.state === 'confirmed'
  const id = Payments.insert(db, {
    now: options.at,
    state: approved ? 'approved' : 'declined',
    context,
    argumentsHash: 'hash',
    details,
    decision: approved ? 'approved' : 'declined',
    decidedBy: approved ? 'human' : 'policy',
    ...(!approved && { declineReason: 'timeout' }),
  })
  if (approved) {
    const reference = `0x${options.at.toString(16).padStart(64, '0')}`
    Payments.transition(db, id, { from: ['approved'], to: 'confirmed', now: options.at, fields: { receiptReference: reference, transactionReference: reference, acceptedAt: options.at, confirmedAt: options.at } })
  }
  return id
}

beforeAll(async () => {
  await fileWallet(home.home)
  // Base Sepolia's USDC is in the seed registry; its RPC endpoint here answers nothing.
  writeFileSync(Home.paths(home.home).config, JSON.stringify({ rpc: { 84532: 'http://127.0.0.1:9/' } }))
  companion = Companion.open(home.home, log)
  api = UiApi.create(companion, log)
  const today = new Date()
  const at = (daysAgo: number, hour: number) => new Date(today.getFullYear(), today.getMonth(), today.getDate() - daysAgo, hour).getTime()
  payment({ state: 'confirmed', amount: 250_000n, at: at(2, 10) })
  payment({ state: 'confirmed', amount: 100_000n, at: at(0, 9), upstream: other, target: 'fetch', host: 'Claude Code' })
  payment({ state: 'declined', amount: 900_000n, at: at(0, 10) })
  payment({ state: 'confirmed', amount: 50_000n, at: at(0, 11) })
})

afterAll(() => {
  api.close()
  companion.close()
  home.remove()
})

describe('history', () => {
  it('lists the newest rows, counts and totals the whole selection, and charts each day per server', async () => {
    const { body } = await call('GET', '/api/history?limit=2')
    expect(body.rows.map((row: { target: string; state: string }) => `${row.target} ${row.state}`)).toEqual(['search confirmed', 'search declined'])
    expect(body.count).toBe(4)
    expect(body.totals).toEqual(['$0.40'])
    const [chart] = body.charts
    expect(chart.unit).toEqual({ key: 'usd', decimals: 6, symbol: '$' })
    expect(chart.servers).toEqual([
      { label: 'tools.example.com', total: '$0.30' },
      { label: 'other.example.com', total: '$0.10' },
    ])
    expect(chart.days).toHaveLength(14)
    expect(chart.days.at(-1)).toMatchObject({ total: '$0.15', amounts: ['50000', '100000'] })
    expect(chart.days.at(-3)).toMatchObject({ total: '$0.25', amounts: ['250000', '0'] })
    expect(body.rows[1]).toMatchObject({ reason: 'nobody approved it in time', decidedBy: 'Allowance' })
  })

  it('filters in the ledger by server, host, call, state and dates', async () => {
    const targets = async (query: string) => (await call('GET', `/api/history?${query}`)).body.rows.map((row: { id: number }) => row.id)
    expect(await targets(`server=${encodeURIComponent(other)}`)).toEqual([2])
    expect(await targets('host=Cursor&status=confirmed')).toEqual([4, 1])
    expect(await targets('operation=tools/call&target=fetch')).toEqual([2])
    const day = (daysAgo: number) => {
      const date = new Date(Date.now() - daysAgo * 86_400_000)
      return `${date.getFullYear()}-${String(date.getMonth() + 1).padStart(2, '0')}-${String(date.getDate()).padStart(2, '0')}`
    }
    expect(await targets(`since=${day(1)}`)).toEqual([4, 3, 2])
    expect(await targets(`until=${day(1)}`)).toEqual([1])
    expect((await call('GET', '/api/history?status=declined')).body).toMatchObject({ count: 1, totals: [], charts: [] })
  })

  it('refuses a filter it cannot read, with a sentence', async () => {
    expect(await call('GET', '/api/history?status=paid')).toEqual({ status: 400, body: { error: '"paid" is not a payment state (requested, approved, declined, signed, sent, accepted, confirmed, failed, unconfirmed).' } })
    expect(await call('GET', '/api/history?since=2026-02-30')).toEqual({ status: 400, body: { error: '2026-02-30 is not a date.' } })
    expect(await call('GET', '/api/history?since=2026-03-05&until=2026-03-04')).toEqual({ status: 400, body: { error: 'The range must start before it ends.' } })
    expect(await call('GET', '/api/history?target=search')).toEqual({ status: 400, body: { error: 'Filter a call by its operation and target together.' } })
    expect(await call('GET', '/api/history?limit=0')).toEqual({ status: 400, body: { error: 'limit is a whole number from 1 to 1000.' } })
  })

  it('exports the selection as the CLI’s CSV, and shows one payment in full', async () => {
    const { body } = await call('GET', '/api/history/csv?status=confirmed')
    const lines = body.csv.split('\r\n')
    expect(lines[0]).toBe(PaymentRecord.columns.join(','))
    expect(lines.slice(1).map((line: string) => line.split(',')[0])).toEqual(['4', '2', '1'])
    expect(body).toMatchObject({ count: 3, filename: expect.stringMatching(/^allowance-history-\d{4}-\d{2}-\d{2}\.csv$/) })

    const { body: details } = await call('GET', '/api/history/1')
    expect(details).toMatchObject({
      state: 'confirmed',
      amount: '0.25 USDC',
      usd: '$0.25',
      chain: 'Base Sepolia',
      challengeId: expect.stringMatching(/^challenge-/),
      decision: 'You approved it on the card',
      paysWith: 'USDC on Base Sepolia',
      explorerUrl: `https://sepolia.basescan.org/tx/${details.reference}`,
    })
    expect(await call('GET', '/api/history/99')).toEqual({ status: 404, body: { error: 'There is no payment 99.' } })
    expect((await call('GET', '/api/history/choices')).body).toEqual({
      hosts: ['Claude Code', 'Cursor'],
      servers: [
        { upstream: other, label: 'other.example.com' },
        { upstream, label: 'tools.example.com' },
      ],
      calls: [
        { operation: 'tools/call', target: 'fetch', label: 'tool fetch' },
        { operation: 'tools/call', target: 'search', label: 'tool search' },
      ],
    })
  })
})

describe('spend per week and month, and the search', () => {
  /** What the ledger's own rows spent in `[start, end)`, per `key`, as the screen writes it. */
  const expected = (start: number, end: number, key: (row: Payments.Row) => string, rows = Payments.list(companion.db)) => {
    const sums = new Map<string, bigint>()
    for (const row of rows) {
      if (!Payments.reserving.includes(row.state) || row.createdAt < start || row.createdAt >= end) continue
      sums.set(key(row), (sums.get(key(row)) ?? 0n) + row.details!.budgetAmount)
    }
    return sums
  }

  it('totals this and last week and month per server and per host from the ledger’s rows, within the filter', async () => {
    const now = new Date()
    const week = Period.bounds('week', now)
    const month = Period.bounds('month', now)
    const ranges = [week, Period.bounds('week', new Date(week.start - 1)), month, Period.bounds('month', new Date(month.start - 1))]
    const { body } = await call('GET', '/api/history')
    expect(body.periods.periods.map((period: { name: string; start: number; end: number }) => [period.name, period.start, period.end])).toEqual(
      ['This week', 'Last week', 'This month', 'Last month'].map((name, index) => [name, ranges[index]!.start, ranges[index]!.end]),
    )
    const cell = (sums: Map<string, bigint>, key: string) => (sums.get(key) ? Amount.formatUsd(sums.get(key)!) : '—')
    const table = (by: (row: Payments.Row) => string, keys: string[]) =>
      keys.map((key) => ({ name: key, amounts: ranges.map((range) => cell(expected(range.start, range.end, by), key)) }))
    expect(body.periods.byServer.map(({ name, amounts }: { name: string; amounts: string[] }) => ({ name, amounts }))).toEqual(table((row) => row.upstream, [other, upstream]))
    expect(body.periods.byServer.map((group: { label: string }) => group.label)).toEqual(['other.example.com', 'tools.example.com'])
    expect(body.periods.byHost).toEqual(table((row) => row.host, ['Claude Code', 'Cursor']).map((group) => ({ ...group, label: group.name })))
    expect(body.periods.total).toEqual(ranges.map((range) => cell(expected(range.start, range.end, () => 'all'), 'all')))
    // Today's two confirmed payments are in this week and this month whatever the day: $0.10 and $0.05 (the declined $0.90 is not).
    expect(body.periods.byHost[0].amounts[0]).toBe('$0.10')

    const filtered = (await call('GET', `/api/history?host=${encodeURIComponent('Claude Code')}`)).body.periods
    expect(filtered.byServer.map((group: { label: string }) => group.label)).toEqual(['other.example.com'])
    expect(filtered.total[0]).toBe('$0.10')
    expect((await call('GET', '/api/history?status=declined')).body.periods).toMatchObject({ byServer: [], byHost: [], total: ['—', '—', '—', '—'] })
  })

  it('searches the call, server, host, recipient, references and id, narrowing the rows and the totals', async () => {
    const ids = async (search: string) => {
      const { body } = await call('GET', `/api/history?search=${encodeURIComponent(search)}`)
      return { ids: body.rows.map((row: { id: number }) => row.id), totals: body.totals }
    }
    expect(await ids('fetch')).toEqual({ ids: [2], totals: ['$0.10'] })
    expect(await ids('OTHER.example')).toEqual({ ids: [2], totals: ['$0.10'] })
    expect(await ids('claude')).toEqual({ ids: [2], totals: ['$0.10'] })
    expect(await ids('0x70997970c51812dc3a')).toEqual({ ids: [4, 3, 2, 1], totals: ['$0.40'] })
    const reference = Payments.get(companion.db, 1)!.transactionReference!
    expect(await ids(reference.slice(-12).toUpperCase())).toEqual({ ids: [1], totals: ['$0.25'] })
    expect(await ids('#3')).toEqual({ ids: [3], totals: [] })
    expect(await ids('nothing like it')).toEqual({ ids: [], totals: [] })
    expect((await call('GET', '/api/history/csv?search=fetch')).body.count).toBe(1)
    expect(await call('GET', `/api/history?search=${'x'.repeat(201)}`)).toEqual({ status: 400, body: { error: 'A search is at most 200 characters.' } })
  })
})

describe('rules, budgets, leases and the kill switch', () => {
  it('adds, changes and removes a rule as the CLI does', async () => {
    const scope = { server: ' HTTPS://Tools.example.com/mcp ', operation: 'tools/call', target: 'search' }
    const added = await call('POST', '/api/rules', { kind: 'auto-approve', amount: '0.05', scope, recipient: ' 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 ' })
    expect(added.body).toEqual({ id: 1, message: 'Rule 1: pay without asking up to $0.05 per call for `search` on tools.example.com, to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8.' })
    expect((await call('GET', '/api/rules')).body).toEqual([
      {
        id: 1,
        kind: 'auto-approve',
        amount: '$0.05',
        amountText: '0.05',
        unit: 'usd',
        scope: '`search` on tools.example.com',
        upstream,
        fields: { server: upstream, operation: 'tools/call', target: 'search', host: '' },
        recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
        label: null,
      },
    ])
    expect((await call('PATCH', '/api/rules/1', { amount: '0.10' })).body.message).toBe('Rule 2 replaces rule 1: $0.10 per call for `search` on tools.example.com.')
    expect((await call('GET', '/api/rules')).body[0]).toMatchObject({ id: 2, recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' })
    expect((await call('POST', '/api/rules', { kind: 'auto-approve', amount: '1' })).body.message).toBe(
      'Rule 3: pay without asking up to $1.00 per call for everything. The first payment to a server never paid before still asks you. The first payment to a recipient you never approved for a server still asks you.',
    )
    expect((await call('POST', '/api/rules/3/remove')).body).toEqual({ id: 3, message: 'Rule 3 removed.' })
    expect((await call('GET', '/api/rules')).body.map((rule: { id: number }) => rule.id)).toEqual([2])
  })

  it('refuses bad input with the sentence, changing nothing', async () => {
    const before = (await call('GET', '/api/rules')).body
    const refused = [
      [{ kind: 'auto-approve', amount: 'abc' }, 'The amount "abc" is not a decimal number like "1.50".'],
      [{ kind: 'auto-approve', amount: '0.0000001' }, 'The amount "0.0000001" has more than 6 decimal places.'],
      [{ kind: 'limit', amount: '1000001' }, 'The amount "1000001" is more than Allowance accepts: amounts go up to 1,000,000.'],
      [{ kind: 'auto-approve', amount: '1', unit: 'doubloons' }, '"doubloons" is not a budget unit ("usd", "iso:<code>" or "<chainId>:<token address>").'],
      [{ kind: 'auto-approve', amount: '1', unit: 'eur' }, undefined],
      [{ kind: 'auto-approve', amount: '1', scope: { operation: 'tools/call', target: 'search' } }, 'A scope that names a tool, resource or prompt must name its server.'],
      [{ kind: 'auto-approve', amount: '1', scope: { server: upstream, operation: 'tools/call' } }, 'A scope names an operation and a target together, or neither.'],
      [{ kind: 'always', amount: '1' }, 'Invalid rule: kind: the kind is auto-approve or limit.'],
      [{ kind: 'limit', amount: '1', admin: true }, 'Invalid rule: Unrecognized key: "admin".'],
      [{ kind: 'limit', amount: ' ' }, 'Invalid rule: amount: give an amount, like 0.50.'],
      [{ kind: 'auto-approve', amount: '1', recipient: 'a b' }, 'Invalid rule: recipient: a recipient is an address (0x…) or a Stripe profile id.'],
      [{ kind: 'limit', amount: '1', recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }, 'Only an auto-approve rule names a recipient.'],
    ] as const
    for (const [body, error] of refused) {
      const answer = await call('POST', '/api/rules', body)
      if (error === undefined) {
        // A currency the registry knows is fine: this one was accepted; take it away again.
        expect(answer.status).toBe(200)
        await call('POST', `/api/rules/${answer.body.id}/remove`)
        continue
      }
      expect(answer).toEqual({ status: 400, body: { error } })
    }
    expect(await call('PATCH', '/api/rules/2', { amount: '-1' })).toEqual({ status: 400, body: { error: 'The amount "-1" is negative: amounts must be positive.' } })
    expect(await call('PATCH', '/api/rules/99', { amount: '1' })).toEqual({ status: 404, body: { error: 'There is no rule 99.' } })
    expect(await call('POST', '/api/rules/99/remove')).toEqual({ status: 404, body: { error: 'There is no rule 99.' } })
    expect((await call('GET', '/api/rules')).body).toEqual(before)
  })

  it('sets a budget (replacing the same period, unit and scope), changes and removes it, with its usage', async () => {
    expect((await call('POST', '/api/budgets', { amount: '5', period: 'day' })).body.message).toBe('Budget 1: $5.00 per day for everything.')
    expect((await call('POST', '/api/budgets', { amount: '4', period: 'day' })).body.message).toBe('Budget 2: $4.00 per day for everything. It replaces budget 1.')
    expect((await call('GET', '/api/budgets')).body).toEqual([
      expect.objectContaining({ id: 2, amount: '$4.00', amountText: '4', used: '$0.15', remaining: '$3.85', share: 0.0375, scope: 'everything' }), // today's payments count
    ])
    expect(await call('POST', '/api/budgets', { amount: '5', period: 'year' })).toEqual({ status: 400, body: { error: 'Invalid budget: period: the period is day, week or month.' } })
    expect(await call('PATCH', '/api/budgets/2', { amount: 'lots' })).toEqual({ status: 400, body: { error: 'The amount "lots" is not a decimal number like "1.50".' } })
    expect((await call('PATCH', '/api/budgets/2', { amount: '0.5' })).body.message).toBe('Budget 3 replaces budget 2: $0.50 per day for everything.')
    expect((await call('GET', '/api/budgets')).body.map((budget: { id: number; amount: string }) => `${budget.id} ${budget.amount}`)).toEqual(['3 $0.50'])
    expect((await call('POST', '/api/budgets/3/remove')).body.message).toBe('Budget 3 removed.')
    expect(await call('POST', '/api/budgets/3/remove')).toEqual({ status: 404, body: { error: 'There is no budget 3.' } })
  })

  it('revokes a lease once; pauses and resumes', async () => {
    expect(await call('POST', '/api/leases/1/revoke')).toEqual({ status: 404, body: { error: 'Lease 1 is not in force (it was revoked, or there is none).' } })
    expect(await call('POST', '/api/pause', { paused: 'yes' })).toEqual({ status: 400, body: { error: 'Invalid pause: paused: paused is true or false.' } })
    expect((await call('POST', '/api/pause', { paused: true })).body.paused).toBe(true)
    expect((await call('GET', '/api/status')).body.paused).toBe(true)
    expect((await call('POST', '/api/pause', { paused: false })).body.paused).toBe(false)
    expect((await call('GET', '/api/units')).body[0]).toEqual({ name: 'usd', label: 'USD' })
  })
})

describe('editing and undoing', () => {
  const rules = async () => (await call('GET', '/api/rules')).body as { id: number; scope: string; amount: string; label: string | null }[]
  const budgets = async () => (await call('GET', '/api/budgets')).body as { id: number; scope: string; amount: string; used: string; label: string | null }[]

  it('edits a rule’s amount, scope and label in one change; the history names the old rule and its successor', async () => {
    const { body: added } = await call('POST', '/api/rules', { kind: 'limit', amount: '3', scope: { server: upstream } })
    const edited = await call('PATCH', `/api/rules/${added.id}`, { amount: '2.5', scope: { server: other, host: 'Cursor' }, label: ' fetches ' })
    expect(edited).toEqual({ status: 200, body: { id: added.id + 1, message: `Rule ${added.id + 1} replaces rule ${added.id}: $2.50 per call for other.example.com for Cursor (fetches).` } })
    expect((await rules()).find((rule) => rule.id === added.id + 1)).toMatchObject({ amount: '$2.50', scope: 'other.example.com for Cursor', label: 'fetches' })
    expect((await rules()).some((rule) => rule.id === added.id)).toBe(false)
    // The label alone, then cleared; an edit that changes nothing makes no new rule.
    expect((await call('PATCH', `/api/rules/${added.id + 1}`, { label: '' })).body.message).toBe(`Rule ${added.id + 2} replaces rule ${added.id + 1}: $2.50 per call for other.example.com for Cursor.`)
    expect((await call('PATCH', `/api/rules/${added.id + 2}`, { amount: '2.50', scope: { server: other, host: 'Cursor' } })).body).toEqual({ id: added.id + 2, message: `Rule ${added.id + 2} already says that: nothing changed.` })

    const decided = Payments.insert(companion.db, {
      now: Date.now(),
      state: 'declined',
      context: { host: 'Cursor', upstream, operation: 'tools/call', target: 'search' },
      argumentsHash: 'x',
      decision: 'declined',
      decidedBy: `rule:${added.id}`,
      declineReason: 'over_limit',
    })
    expect((await call('GET', `/api/history/${decided}`)).body.decision).toMatch(new RegExp(`^Your rule, replaced by rule ${added.id + 1} since: `))
    expect(await call('POST', `/api/rules/${added.id}/restore`)).toEqual({ status: 409, body: { error: `Rule ${added.id} was edited into rule ${added.id + 1}; change that one instead.` } })
  })

  it('refuses a bad edit with the sentence, changing nothing', async () => {
    const before = await rules()
    const id = before.at(-1)!.id
    const refused = [
      [{}, 'Give a new amount, scope or label.'],
      [{ amount: 'two' }, 'The amount "two" is not a decimal number like "1.50".'],
      [{ scope: { operation: 'tools/call', target: 'search' } }, 'A scope that names a tool, resource or prompt must name its server.'],
      [{ scope: { server: upstream, operation: 'tools/call' } }, 'A scope names an operation and a target together, or neither.'],
      [{ kind: 'limit' }, 'Invalid change: Unrecognized key: "kind".'],
      [{ label: 'x'.repeat(201) }, 'Invalid change: label: a label has at most 200 characters.'],
    ] as const
    for (const [body, error] of refused) expect(await call('PATCH', `/api/rules/${id}`, body)).toEqual({ status: 400, body: { error } })
    expect(await call('PATCH', '/api/budgets/999', { amount: '1' })).toEqual({ status: 404, body: { error: 'There is no budget 999.' } })
    expect(await rules()).toEqual(before)
  })

  it('edits a budget’s scope: what it has used follows the ledger’s rows of the new scope, and back', async () => {
    const { body: set } = await call('POST', '/api/budgets', { amount: '1', period: 'day' })
    const { start, end } = Period.bounds('day', new Date())
    const usedToday = (scope: (row: Payments.Row) => boolean) =>
      Amount.formatUsd(Payments.list(companion.db).filter((row) => Payments.reserving.includes(row.state) && row.decidedAt! >= start && row.decidedAt! < end && scope(row)).reduce((sum, row) => sum + row.details!.budgetAmount, 0n))
    expect((await budgets()).find((budget) => budget.id === set.id)!.used).toBe(usedToday(() => true))

    const { body: narrowed } = await call('PATCH', `/api/budgets/${set.id}`, { scope: { server: upstream }, label: 'tools' })
    expect(narrowed.message).toBe(`Budget ${narrowed.id} replaces budget ${set.id}: $1.00 per day for tools.example.com (tools).`)
    expect(await budgets()).toEqual([expect.objectContaining({ id: narrowed.id, scope: 'tools.example.com', label: 'tools', used: usedToday((row) => row.upstream === upstream) })])
    const { body: raised } = await call('PATCH', `/api/budgets/${narrowed.id}`, { amount: '2' })
    expect(await budgets()).toEqual([expect.objectContaining({ id: raised.id, amount: '$2.00', label: 'tools', used: usedToday((row) => row.upstream === upstream) })])
  })

  it('undoes a removal: the same budget, with what it used, payments made meanwhile included', async () => {
    const [budget] = await budgets()
    const context = { host: 'Cursor', upstream, operation: 'tools/call' as const, target: 'search' }
    const spend = (amount: bigint) => {
      // As a decision does: the budgets in force reserve it, then the row holds it.
      Budgets.reserve(companion.db, { context, unit: 'usd', amount, now: new Date() })
      payment({ state: 'confirmed', amount, at: Date.now() })
    }
    spend(10_000n)
    const before = (await budgets())[0]!.used
    expect((await call('POST', `/api/budgets/${budget!.id}/remove`)).body.message).toBe(`Budget ${budget!.id} removed.`)
    spend(20_000n) // while it is removed
    expect(await call('POST', `/api/budgets/${budget!.id}/restore`)).toEqual({ status: 200, body: { id: budget!.id, message: `Budget ${budget!.id} is back: $2.00 per day for tools.example.com.` } })
    const [back] = await budgets()
    expect(back).toMatchObject({ id: budget!.id, label: 'tools' })
    expect(back!.used).toBe(Amount.formatUsd(Amount.fromDecimal(before.slice(1), 6) + 20_000n))
    expect(await call('POST', `/api/budgets/${budget!.id}/restore`)).toEqual({ status: 409, body: { error: `Budget ${budget!.id} is in force: there is no removal to undo.` } })
    expect(await call('POST', '/api/budgets/999/restore')).toEqual({ status: 404, body: { error: 'There is no budget 999.' } })

    // Another budget of the same period and scope took its place; or the removal is too old.
    await call('POST', `/api/budgets/${budget!.id}/remove`)
    const { body: other } = await call('POST', '/api/budgets', { amount: '3', period: 'day', scope: { server: upstream } })
    expect(await call('POST', `/api/budgets/${budget!.id}/restore`)).toEqual({ status: 409, body: { error: `Budget ${other.id} now caps the same day and scope; change that one instead.` } })
    await call('POST', `/api/budgets/${other.id}/remove`)
    companion.db.prepare('UPDATE budgets SET deleted_at = ? WHERE id = ?').run(Date.now() - 61_000, other.id)
    expect(await call('POST', `/api/budgets/${other.id}/restore`)).toEqual({ status: 409, body: { error: `Budget ${other.id} was removed too long ago to undo; set it again instead.` } })

    const [rule] = await rules()
    await call('POST', `/api/rules/${rule!.id}/remove`)
    expect((await call('POST', `/api/rules/${rule!.id}/restore`)).body.message).toMatch(new RegExp(`^Rule ${rule!.id} is back: `))
    expect(await rules()).toContainEqual(rule)
  })
})

describe('wallet', () => {
  it('shows the address only; a chain whose RPC does not answer says so; a second wallet is refused', async () => {
    const { body } = await call('GET', '/api/wallet')
    expect(body).toEqual({ address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/), keyStore: 'an encrypted keystore file', store: 'file', locked: false, card: null, warnings: [], thresholds: [] })
    expect((await call('GET', '/api/wallet/balances')).body).toEqual([
      { chainId: 84532, chain: 'Base Sepolia', symbol: 'USDC', testnet: true, amount: null, error: expect.any(String) },
    ])
    expect(await call('POST', '/api/wallet/create')).toEqual({ status: 409, body: { error: `There is already a wallet (${body.address}).` } })
  })
})

describe('prices and warnings', () => {
  it("the Servers screen shows each server's prices per source with the one in force; its choices change through the page, bad ones are refused", async () => {
    const usdc = { method: 'evm', intent: 'charge', currency: '84532:0x036cbd53842c5426634e7929541ec2318f3dcf7e', symbol: 'USDC', decimals: 6, budgetUnit: 'usd' }
    Prices.replaceAdvertised(companion.db, other, [{ operation: 'tools/call', target: 'lookup', ...usdc, amountAtomic: 10_000n, budgetAmount: 10_000n }], 1_000)
    Prices.learn(companion.db, { upstream: other, operation: 'tools/call', target: 'lookup', source: 'challenge', ...usdc, amountAtomic: 50_000n, budgetAmount: 50_000n }, 2_000)
    const server = (await call('GET', '/api/servers')).body.servers.find((each: { upstream: string }) => each.upstream === other)
    expect(server.prices).toEqual([
      { operation: 'tools/call', target: 'lookup', price: '0.05 USDC', source: 'challenge', seenAt: 2_000, inForce: true, aboveAdvertised: true },
      { operation: 'tools/call', target: 'lookup', price: '0.01 USDC', source: 'discovery', seenAt: 1_000, inForce: false, aboveAdvertised: false },
    ])
    expect(server.settings).toEqual({ describePrices: true, statusTool: false })
    const changed = await call('POST', '/api/servers/settings', { upstream: other, statusTool: true })
    expect(changed.body).toEqual({ describePrices: true, statusTool: true, message: "other.example.com: prices in the agent's tool list on, the status tool on. Agents see it the next time they list the tools." })
    expect((await call('POST', '/api/servers/settings', { upstream: other, statusTool: 'yes' })).status).toBe(400)
    expect((await call('POST', '/api/servers/settings', { upstream: other, approve: true })).status).toBe(400)
    expect(ServerSettings.get(companion.db, other)).toEqual({ describePrices: true, statusTool: true })
  })

  it("a token's warning level is set in its own units, back to the default with null; an unknown token or a bad amount is refused", async () => {
    const currency = '84532:0x036cbd53842c5426634e7929541ec2318f3dcf7e'
    const set = await call('POST', '/api/wallet/threshold', { currency, amount: '5.00' })
    expect(set.body.message).toBe('Allowance warns about USDC below 5 USDC.')
    expect(set.body.thresholds).toContainEqual({ currency, token: 'USDC on Base Sepolia', amount: '5 USDC', byDefault: false, decimals: 6 })
    expect((await call('POST', '/api/wallet/threshold', { currency, amount: '1.0000001' })).status).toBe(400)
    expect((await call('POST', '/api/wallet/threshold', { currency: '1:0xnope', amount: '1' })).status).toBe(400)
    expect((await call('POST', '/api/wallet/threshold', { currency, amount: null })).body.message).toBe('Allowance warns about USDC back to the default (what your budgets could spend in a day).')
  })
})
