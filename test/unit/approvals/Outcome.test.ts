import { expect, test } from 'vitest'
import * as Outcome from '../../../main/approvals/Outcome.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as challenges from '../payments/challenges.js'
import { setup, upstream, usd } from './setup.js'

function approved(t: ReturnType<typeof setup>, amount = '50000') {
  const decision = t.decide([challenges.tempo(t.clock.now, { amount })])
  if (decision.kind !== 'approved') throw new Error(`expected approval, got ${decision.kind}`)
  return decision.paymentId
}

test('settled keeps the reservation and only the receipt reference', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, unit: 'usd', amount: usd('1'), now: 0 })
  const id = approved(t)
  Outcome.signed(t.db, id, { now: 1 })
  Outcome.settle(t.db, id, { receipt: { status: 'success', reference: '0xabc', challengeId: 'x' } as { reference: string }, now: 2 })
  expect(Payments.get(t.db, id)).toMatchObject({ state: 'settled', receiptReference: '0xabc', settledAt: 2 })
  expect(t.reservedToday()).toBe(50000n)
  expect(() => Outcome.settle(t.db, id, { receipt: {}, now: 3 })).toThrow(/is settled; it cannot become settled/)
  expect(() => Outcome.fail(t.db, id, { error: 'late', moneyMayHaveMoved: false, now: 3 })).toThrow(Outcome.OutcomeError)
  expect(() => Outcome.settle(t.db, 999, { receipt: {}, now: 3 })).toThrow(/no payment 999/)
})

test('failed releases the reservation and the lease share; unconfirmed keeps both', () => {
  const t = setup()
  const now = t.clock.now.getTime()
  const lease = Leases.add(t.db, { scope: { upstream }, unit: 'usd', amount: usd('1'), expiresAt: now + 60_000, now })
  const budget = Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.30'), now })
  const failed = approved(t, '100000')
  const unconfirmed = approved(t, '200000')
  expect(Leases.get(t.db, lease.id)!.spent).toBe(300000n)
  expect(t.reservedToday()).toBe(300000n)

  Outcome.fail(t.db, failed, { error: 'upstream unreachable', moneyMayHaveMoved: false, now })
  Outcome.signed(t.db, unconfirmed, { now })
  Outcome.fail(t.db, unconfirmed, { error: 'connection lost after sending the credential', moneyMayHaveMoved: true, now })

  expect(Payments.get(t.db, failed)).toMatchObject({ state: 'failed', error: 'upstream unreachable' })
  expect(Payments.get(t.db, unconfirmed)).toMatchObject({ state: 'unconfirmed' })
  expect(t.reservedToday()).toBe(200000n)
  expect(Leases.get(t.db, lease.id)!.spent).toBe(200000n)
  expect(Budgets.usage(t.db, budget, t.clock.now)).toMatchObject({ used: 200000n, remaining: 100000n })
  // The released room is usable again.
  expect(t.decide([challenges.tempo(t.clock.now, { amount: '100000' })]).kind).toBe('approved')
  expect(t.decide([challenges.tempo(t.clock.now, { amount: '1' })])).toMatchObject({ reason: 'budget_exceeded' })
  // A late receipt still settles an unconfirmed payment.
  Outcome.settle(t.db, unconfirmed, { receipt: { reference: '0xdef' }, now })
  expect(Payments.get(t.db, unconfirmed)?.state).toBe('settled')
})

test('an outcome for a payment that was never approved is refused', () => {
  const t = setup()
  const ask = t.decide([challenges.tempo(t.clock.now)])
  expect(ask.kind).toBe('ask')
  const id = (ask as { paymentId: number }).paymentId
  expect(() => Outcome.settle(t.db, id, { receipt: { reference: '0x1' }, now: 1 })).toThrow(/is requested/)
  expect(Payments.get(t.db, id)?.state).toBe('requested')
})
