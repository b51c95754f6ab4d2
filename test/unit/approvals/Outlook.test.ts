// What the agent is told ahead of a call: the forecast of the user's rules, budgets and leases at a
// call's known price, and the notes and status text made of it. It only reads the ledger.
import { expect, test } from 'vitest'
import * as Outlook from '../../../main/approvals/Outlook.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Prices from '../../../main/ledger/Prices.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Settings from '../../../main/ledger/Settings.js'
import type * as Quote from '../../../main/payments/Quote.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import { ledger } from '../ledger/temp.js'

const upstream = 'https://tools.example.com/mcp'
const context = { host: 'Cursor', upstream, operation: 'tools/call', target: 'search' } as const
const usdc = (amount: bigint | null): Quote.Quote => ({ method: 'evm', intent: 'charge', amountAtomic: amount, currency: '8453:0xusdc', symbol: 'USDC', decimals: 6, budgetUnit: 'usd', budgetAmount: amount })
const now = new Date()
const verdict = (db: ReturnType<typeof ledger>, quote: Quote.Quote) => Outlook.verdict(db, Outlook.policy(db), context, quote, now)

test('asks without a rule; pays under an auto-approve rule that names the server, or a lease with room; asks above the rule', () => {
  const db = ledger()
  expect(verdict(db, usdc(10_000n))).toEqual({ kind: 'asks' })
  Rules.add(db, { kind: 'auto_approve', scope: { upstream }, unit: 'usd', amount: 50_000n, now: 0 })
  expect(verdict(db, usdc(10_000n))).toEqual({ kind: 'pays' })
  expect(verdict(db, usdc(60_000n))).toEqual({ kind: 'asks' })
  Leases.add(db, { scope: { upstream }, unit: 'usd', amount: 100_000n, expiresAt: Date.now() + 60_000, now: Date.now() })
  expect(verdict(db, usdc(60_000n))).toEqual({ kind: 'pays' })
  expect(verdict(db, usdc(200_000n))).toEqual({ kind: 'asks' })
  // A price set per call, or in a currency the registry does not know, is the user's to approve.
  expect(verdict(db, usdc(null))).toEqual({ kind: 'asks' })
})

test('a rule for everything does not pay a server never paid: its first payment asks', () => {
  const db = ledger()
  Rules.add(db, { kind: 'auto_approve', scope: {}, unit: 'usd', amount: 50_000n, now: 0 })
  expect(verdict(db, usdc(10_000n))).toEqual({ kind: 'asks' })
})

test('blocked while paused, above a hard limit, or over a budget, with the clause the decline would give', () => {
  const db = ledger()
  Rules.add(db, { kind: 'auto_approve', scope: { upstream }, unit: 'usd', amount: 5_000_000n, now: 0 })
  Rules.add(db, { kind: 'limit', scope: { upstream }, unit: 'usd', amount: 1_000_000n, now: 0 })
  expect(verdict(db, usdc(2_000_000n))).toEqual({ kind: 'blocked', clause: 'it is above your limit of $1.00 per call for tools.example.com' })
  Budgets.set(db, { period: 'day', scope: {}, unit: 'usd', amount: 500_000n, now: Date.now() })
  expect(verdict(db, usdc(600_000n))).toEqual({ kind: 'blocked', clause: "today's budget of $0.50 has $0.50 left" })
  Settings.set(db, { paused: true })
  expect(verdict(db, usdc(10_000n))).toEqual({ kind: 'blocked', clause: 'payments are paused in Allowance' })
  expect(verdict(db, usdc(null))).toEqual({ kind: 'blocked', clause: 'payments are paused in Allowance' })
})

test('the notes: one sentence per paid tool with its price and what Allowance does; none for a currency it cannot name', () => {
  expect(Outlook.note(usdc(10_000n), { kind: 'pays' })).toBe('Costs about 0.01 USDC per call; Allowance pays it within your rules.')
  expect(Outlook.note(usdc(250_000n), { kind: 'asks' })).toBe('Costs about 0.25 USDC per call; Allowance asks the user to approve each payment.')
  expect(Outlook.note(usdc(null), { kind: 'pays' })).toBe('Its price is set per call; Allowance pays it within your rules.')
  expect(Outlook.note(usdc(5_000_000n), { kind: 'blocked', clause: 'payments are paused in Allowance' })).toBe('Costs about 5 USDC per call; Allowance will not pay it now: payments are paused in Allowance.')
  expect(Outlook.note({ ...usdc(1n), symbol: null, decimals: null, budgetUnit: null, budgetAmount: null }, { kind: 'asks' })).toBeUndefined()

  const db = ledger()
  Prices.learn(db, { upstream, operation: 'tools/call', target: 'search', source: 'challenge', ...usdc(10_000n) }, 1)
  Prices.learn(db, { upstream, operation: 'prompts/get', target: 'brief', source: 'challenge', ...usdc(10_000n) }, 1)
  expect(Outlook.toolNotes(db, { host: 'Cursor', upstream }, now)).toEqual({ search: 'Costs about 0.01 USDC per call; Allowance asks the user to approve each payment.' })
  expect(Outlook.toolNotes(db, { host: 'Cursor', upstream: 'https://other.example.com/mcp' }, now)).toEqual({})
})

test("the status text: paused, each budget's remainder, the rule, the first payment, the prices; no address, and the ledger unchanged", () => {
  const db = ledger()
  Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', unit: 'usd', amount: 50_000n, now: 0 })
  Budgets.set(db, { period: 'week', scope: { upstream }, unit: 'usd', amount: 3_000_000n, now: Date.now() })
  Prices.learn(db, { upstream, operation: 'tools/call', target: 'search', source: 'discovery', ...usdc(10_000n) }, 1)
  const changes = db.prepare('SELECT total_changes()').pluck()
  const before = changes.get()
  const text = Outlook.status(db, { host: 'Cursor', upstream }, TokenRegistry.create(), now)
  expect(changes.get()).toBe(before)
  expect(text.split('\n')).toEqual([
    'Allowance, for tools.example.com (read-only: nothing here can approve a payment or change a rule):',
    expect.stringMatching(/^- This week's budget for tools\.example\.com: \$3\.00 of \$3\.00 left, until \d{4}-\d{2}-\d{2}T/),
    "- Calls up to $0.05 are paid by the user's rule without asking; dearer ones wait for the user's approval.",
    '- Known prices:',
    '  - `search`: 0.01 USDC (paid without asking)',
  ])
  expect(text).not.toContain('0x70997970')
  Settings.set(db, { paused: true })
  expect(Outlook.status(db, { host: 'Cursor', upstream: 'https://new.example.com/mcp' }, TokenRegistry.create(), now).split('\n')).toEqual([
    'Allowance, for new.example.com (read-only: nothing here can approve a payment or change a rule):',
    '- Payments are paused: every payment is declined until the user resumes them.',
    '- No budget caps payments to this server.',
    '- Every payment waits for the user to approve it in Allowance (no rule pays this server by itself).',
    '- The first payment to this server waits for the user, whatever the rules say.',
  ])
})
