import { expect, test } from 'vitest'
import * as DecisionWords from '../../../main/approvals/DecisionWords.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import { ledger } from '../ledger/temp.js'

const registry = TokenRegistry.create()
const upstream = 'https://tools.example.com/mcp'
const now = Date.now()

test('who decided and why, in words: never the ledger’s codes', () => {
  expect(DecisionWords.who('human')).toBe('you')
  expect(DecisionWords.who('rule:3')).toBe('your rule')
  expect(DecisionWords.who('lease:2')).toBe('your lease')
  expect(DecisionWords.who('budget:4')).toBe('your budget')
  expect(DecisionWords.who('policy')).toBe('Allowance')
  expect(DecisionWords.reason({ declineReason: 'declined_by_user', error: null })).toBe('you declined')
  expect(DecisionWords.reason({ declineReason: 'wallet_locked', error: null })).toBe('wallet locked')
  expect(DecisionWords.reason({ declineReason: null, error: 'getaddrinfo ENOTFOUND tools.example.invalid' })).toBe("the server's name could not be found (tools.example.invalid)")
  expect(DecisionWords.reason({ declineReason: null, error: null })).toBe(null)
})

test('the decision as a sentence, with what the rule, lease or budget says', () => {
  const db = ledger()
  const rule = Rules.add(db, { kind: 'auto_approve', scope: { upstream, operation: 'tools/call', target: 'search' }, unit: 'usd', amount: 50_000n, now })
  const limit = Rules.add(db, { kind: 'limit', scope: {}, unit: 'usd', amount: 1_000_000n, now })
  const lease = Leases.add(db, { scope: { upstream, host: 'Cursor' }, unit: 'usd', amount: 3_000_000n, expiresAt: now + 60_000, now })
  const budget = Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 5_000_000n, now })
  const sentence = (decidedBy: string | null, decision: 'approved' | 'declined' | null = 'approved', declineReason: string | null = null) =>
    DecisionWords.sentence(db, registry, { decidedBy, decision, declineReason })
  expect(sentence('human')).toBe('You approved it on the card')
  expect(sentence('human', 'declined', 'declined_by_user')).toBe('You declined')
  expect(sentence(`rule:${rule.id}`)).toBe('Your rule: pay up to $0.05 a call for `search` on tools.example.com')
  expect(sentence(`rule:${limit.id}`, 'declined', 'over_limit')).toBe('Your rule: decline above $1.00 a call on every server')
  expect(sentence(`lease:${lease.id}`)).toBe('Your lease: pay up to $3.00 in all on tools.example.com from Cursor')
  expect(sentence(`budget:${budget.id}`, 'declined', 'budget_exceeded')).toBe('Your budget: $5.00 a day on every server')
  expect(sentence('rule:99')).toBe('Your rule')
  Rules.remove(db, rule.id, now)
  Budgets.remove(db, budget.id, now)
  expect(sentence(`rule:${rule.id}`)).toBe('Your rule, removed since: pay up to $0.05 a call for `search` on tools.example.com')
  expect(sentence(`budget:${budget.id}`, 'declined', 'budget_exceeded')).toBe('Your budget, removed since: $5.00 a day on every server')
  expect(sentence('policy', 'declined', 'paused')).toBe('Allowance: payments were paused')
  expect(sentence(null, null)).toBe(null)
})
