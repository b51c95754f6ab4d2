// The main window's routes of the UI API, called as the page calls them (through UiApi, without a
// transport): the history's filters, totals, chart and CSV come from the ledger; every change is
// checked as the CLI checks it, and bad input gets one sentence and changes nothing.
import { writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Companion } from '../../../main/companion/Companion.js'
import * as UiApi from '../../../main/companion/UiApi.js'
import * as PaymentRecord from '../../../main/ledger/PaymentRecord.js'
import * as Payments from '../../../main/ledger/Payments.js'
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

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const reply = await api.handle({ method, path, body })
  return { status: reply.status, body: JSON.parse(reply.json) }
}

/** A payment row as a decision leaves it: `amount` in micro-USD of a USD-pegged token. */
function payment(options: { upstream?: string; target?: string; host?: string; state: 'confirmed' | 'declined'; amount: bigint; at: number }): number {
  const { db } = companion
  const details: Payments.Details = {
    realm: 'tools.example.com',
    challengeId: `challenge-${options.at}`,
    method: 'evm',
    intent: 'charge',
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
  writeFileSync(Home.paths(home.home).settings, JSON.stringify({ rpc: { 84532: 'http://127.0.0.1:9/' } }))
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

describe('rules, budgets, leases and the kill switch', () => {
  it('adds, changes and removes a rule as the CLI does', async () => {
    const scope = { server: ' HTTPS://Tools.example.com/mcp ', operation: 'tools/call', target: 'search' }
    const added = await call('POST', '/api/rules', { kind: 'auto-approve', amount: '0.05', scope, recipient: ' 0x70997970C51812dc3A010C7d01b50e0d17dc79C8 ' })
    expect(added.body).toEqual({ id: 1, message: 'Rule 1: pay without asking up to $0.05 per call for `search` on tools.example.com, to 0x70997970C51812dc3A010C7d01b50e0d17dc79C8.' })
    expect((await call('GET', '/api/rules')).body).toEqual([
      { id: 1, kind: 'auto-approve', amount: '$0.05', amountText: '0.05', unit: 'usd', scope: '`search` on tools.example.com', upstream, recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', label: null },
    ])
    expect((await call('POST', '/api/rules/1', { amount: '0.10' })).body.message).toBe('Rule 2 replaces rule 1: $0.10 per call for `search` on tools.example.com.')
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
    expect(await call('POST', '/api/rules/2', { amount: '-1' })).toEqual({ status: 400, body: { error: 'The amount "-1" is not a decimal number like "1.50".' } })
    expect(await call('POST', '/api/rules/99', { amount: '1' })).toEqual({ status: 404, body: { error: 'There is no rule 99.' } })
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
    expect(await call('POST', '/api/budgets/2', { amount: 'lots' })).toEqual({ status: 400, body: { error: 'The amount "lots" is not a decimal number like "1.50".' } })
    expect((await call('POST', '/api/budgets/2', { amount: '0.5' })).body.message).toBe('Budget 3 replaces budget 2: $0.50 per day for everything.')
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

describe('wallet', () => {
  it('shows the address only; a chain whose RPC does not answer says so; a second wallet is refused', async () => {
    const { body } = await call('GET', '/api/wallet')
    expect(body).toEqual({ address: expect.stringMatching(/^0x[0-9a-fA-F]{40}$/), keyStore: 'an encrypted keystore file', store: 'file', locked: false, card: null })
    expect((await call('GET', '/api/wallet/balances')).body).toEqual([
      { chainId: 84532, chain: 'Base Sepolia', symbol: 'USDC', testnet: true, amount: null, error: expect.any(String) },
    ])
    expect(await call('POST', '/api/wallet/create')).toEqual({ status: 409, body: { error: `There is already a wallet (${body.address}).` } })
  })
})
