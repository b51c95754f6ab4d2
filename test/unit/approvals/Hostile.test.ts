import { expect, test } from 'vitest'
import * as Arguments from '../../../main/approvals/Arguments.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as challenges from '../payments/challenges.js'
import { setup, upstream, usd } from './setup.js'

test('every hostile challenge is declined with its reason, recorded, and reserves nothing, even under generous rules', () => {
  const t = setup()
  const now = t.clock.now
  Rules.add(t.db, { kind: 'auto_approve', scope: {}, unit: 'usd', amount: usd('1000'), now: 0 })
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1000'), now: 0 })
  const budget = Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('1000'), now: 0 })
  const lease = Leases.add(t.db, { scope: { upstream }, unit: 'usd', amount: usd('1000'), expiresAt: now.getTime() + 3_600_000, now: now.getTime() })
  // A valid payment first, so the budget is not trivially empty.
  expect(t.decide([challenges.tempo(now)]).kind).toBe('approved')
  const usedBefore = Budgets.usage(t.db, budget, now).used
  const leaseBefore = Leases.get(t.db, lease.id)!.spent

  const table = challenges.hostile(now)
  for (const [name, challenge, reason, message] of table) {
    const decision = t.decide([challenge])
    expect(decision, name).toMatchObject({ kind: 'declined', reason })
    if (decision.kind !== 'declined') continue
    expect(decision.message, name).toMatch(/^Payment (of .+ )?to tools\.example\.com for `search` was declined: .+\.$/)
    expect(decision.message, name).toMatch(message)
    expect(Payments.get(t.db, decision.paymentId!), name).toMatchObject({ state: 'declined', decision: 'declined', declineReason: reason })
  }

  expect(Budgets.usage(t.db, budget, now).used).toBe(usedBefore)
  expect(Leases.get(t.db, lease.id)!.spent).toBe(leaseBefore)
  expect(Payments.list(t.db, { states: Payments.reserving })).toHaveLength(1)
  expect(Payments.list(t.db)).toHaveLength(table.length + 1)
})

test('a request whose challenges are not a list, or empty, is declined as invalid', () => {
  const t = setup()
  for (const value of [undefined, null, 'x', {}, []]) {
    expect(t.decide(value as unknown[])).toMatchObject({ kind: 'declined', reason: 'invalid_challenge', message: expect.stringContaining('offered no payment challenges') })
  }
})

test('a malformed request context is refused with a clear error and writes nothing', () => {
  const t = setup()
  const good = t.request([challenges.tempo(t.clock.now)])
  expect(() => t.decide([challenges.tempo(t.clock.now)], { operation: 'tools/list' as never })).toThrow(/Unknown operation/)
  expect(() => t.decide([challenges.tempo(t.clock.now)], { upstream: '' })).toThrow(/needs a upstream|upstream/)
  expect(() => t.decide([challenges.tempo(t.clock.now)], { target: 42 as never })).toThrow(/target/)
  expect(good.target).toBe('search')
  expect(Payments.list(t.db)).toEqual([])
})

test('the arguments are stored only as a hash and a short redacted preview', () => {
  const t = setup()
  const decision = t.decide([challenges.tempo(t.clock.now)], { arguments: { apiKey: 'sk_live_abcdef', query: 'a'.repeat(500) } })
  const row = Payments.get(t.db, decision.kind === 'declined' ? decision.paymentId! : (decision as { paymentId: number }).paymentId)!
  expect(row.argumentsHash).toMatch(/^[0-9a-f]{64}$/)
  expect(row.argumentsPreview).not.toContain('sk_live')
  expect(row.argumentsPreview).toContain('[redacted]')
  expect(row.argumentsPreview!.length).toBeLessThanOrEqual(160)
})

test('a long preview stays a JSON object the UI can list: its first members whole, the rest counted', () => {
  const many = Object.fromEntries(Array.from({ length: 20 }, (_, index) => [`field${index}`, `value number ${index}`]))
  const preview = JSON.parse(Arguments.preview(many)!)
  const names = Object.keys(preview)
  expect(names.at(-1)).toBe('…')
  expect(preview['…']).toBe(`${20 - (names.length - 1)} more`)
  expect(preview.field0).toBe('value number 0')
  expect(Arguments.preview(many)!.length).toBeLessThanOrEqual(160)
  expect(Arguments.preview(['x'.repeat(20), 'y'.repeat(20), 'z'.repeat(20), 'w'.repeat(20), 'v'.repeat(20), 'u'.repeat(20), 't'.repeat(20)])).toMatch(/^\["x{20}",.*…$/)
})
