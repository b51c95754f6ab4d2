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

const sameUnit = (amount: bigint) => amount // pathUSD: 6 decimals, as micro-USD

/** A lease pays a recipient the user already trusts: here, one a rule names (the rule itself allows less). */
const trustRecipient = (t: ReturnType<typeof setup>) =>
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 1n, now: 0 })

test('a receipt makes a payment accepted, not confirmed; only a check confirms it, and a confirmed row is final', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
  const id = approved(t)
  Outcome.signed(t.db, id, { now: 1, evidence: { transaction: '0xfeed' } })
  Outcome.accepted(t.db, id, { reference: '0xabc', now: 2 })
  expect(Payments.get(t.db, id)).toMatchObject({ state: 'accepted', receiptReference: '0xabc', acceptedAt: 2, evidence: { transaction: '0xfeed' } })
  expect(t.reservedToday()).toBe(50000n)
  expect(() => Outcome.accepted(t.db, id, { now: 3 })).toThrow(/is accepted; it cannot become accepted/)

  Outcome.confirm(t.db, id, { transaction: '0xabc', amount: 50000n, toBudget: sameUnit, now: 4 })
  expect(Payments.get(t.db, id)).toMatchObject({ state: 'confirmed', transactionReference: '0xabc', settledAmountAtomic: 50000n, confirmedAt: 4 })
  expect(t.reservedToday()).toBe(50000n)
  expect(() => Outcome.unconfirmed(t.db, id, { error: 'a lying node', now: 5 })).toThrow(Outcome.OutcomeError)
  expect(() => Outcome.fail(t.db, id, { error: 'late', now: 5 })).toThrow(Outcome.OutcomeError)
  expect(() => Outcome.confirm(t.db, id, { transaction: '0x1', amount: 1n, toBudget: sameUnit, now: 5 })).toThrow(/is confirmed/)
  expect(Payments.get(t.db, id)?.state).toBe('confirmed')
  expect(() => Outcome.accepted(t.db, 999, { now: 3 })).toThrow(/no payment 999/)
})

test('a confirmation books what moved and the fee paid, and budgets and the lease hold exactly that', () => {
  const t = setup()
  const now = t.clock.now.getTime()
  const lease = Leases.add(t.db, { scope: { upstream }, unit: 'usd', amount: usd('1'), expiresAt: now + 60_000, now })
  trustRecipient(t)
  const budget = Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('1'), now })
  const captured = approved(t, '100000')
  const withFee = approved(t, '10000')
  expect(Budgets.usage(t.db, budget, t.clock.now).used).toBe(110000n)

  // A seller captured half; a Tempo payment cost the wallet 0.006269 in fees on top.
  for (const id of [captured, withFee]) Outcome.signed(t.db, id, { now })
  Outcome.accepted(t.db, captured, { reference: 'pi_1', now })
  Outcome.confirm(t.db, captured, { transaction: 'pi_1', amount: 50000n, toBudget: sameUnit, now })
  Outcome.sent(t.db, withFee, { error: 'no answer', now })
  const fee = { fee: { amountAtomic: 6269n, currency: '1337:0x20c0000000000000000000000000000000000000', symbol: 'pathUSD', decimals: 6, estimated: false }, budgetAmount: 6269n }
  Outcome.confirm(t.db, withFee, { transaction: '0xbeef', amount: 10000n, fee, toBudget: sameUnit, error: 'The server did not accept the payment, but it was taken.', now })

  expect(Payments.get(t.db, captured)).toMatchObject({ state: 'confirmed', settledAmountAtomic: 50000n, details: { budgetAmount: 50000n } })
  expect(Payments.get(t.db, withFee)).toMatchObject({ state: 'confirmed', fee: { amountAtomic: 6269n, symbol: 'pathUSD', estimated: false }, details: { budgetAmount: 16269n } })
  expect(Budgets.usage(t.db, budget, t.clock.now).used).toBe(66269n)
  expect(t.reservedToday()).toBe(66269n)
  expect(Leases.get(t.db, lease.id)!.spent).toBe(66269n)
})

test('failed releases the reservation and the lease share; sent and unconfirmed keep both', () => {
  const t = setup()
  const now = t.clock.now.getTime()
  const lease = Leases.add(t.db, { scope: { upstream }, unit: 'usd', amount: usd('1'), expiresAt: now + 60_000, now })
  trustRecipient(t)
  const budget = Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.30'), now })
  const failed = approved(t, '100000')
  const unconfirmed = approved(t, '200000')
  expect(Leases.get(t.db, lease.id)!.spent).toBe(300000n)

  Outcome.signed(t.db, failed, { now })
  Outcome.fail(t.db, failed, { error: 'upstream unreachable', now, from: ['signed'] })
  Outcome.signed(t.db, unconfirmed, { now })
  Outcome.sent(t.db, unconfirmed, { error: 'connection lost after sending the credential', now })
  expect(Payments.get(t.db, unconfirmed)).toMatchObject({ state: 'sent' })
  expect(t.reservedToday()).toBe(200000n)
  Outcome.unconfirmed(t.db, unconfirmed, { error: 'no transaction within 2 minutes', now })

  expect(Payments.get(t.db, failed)).toMatchObject({ state: 'failed', error: 'upstream unreachable' })
  expect(Payments.get(t.db, unconfirmed)).toMatchObject({ state: 'unconfirmed' })
  expect(t.reservedToday()).toBe(200000n)
  expect(Leases.get(t.db, lease.id)!.spent).toBe(200000n)
  expect(Budgets.usage(t.db, budget, t.clock.now)).toMatchObject({ used: 200000n, remaining: 100000n })
  // The released room is usable again.
  expect(t.decide([challenges.tempo(t.clock.now, { amount: '100000' })]).kind).toBe('approved')
  expect(t.decide([challenges.tempo(t.clock.now, { amount: '1' })])).toMatchObject({ reason: 'budget_exceeded' })
  // A later check can still confirm an unconfirmed payment.
  Outcome.confirm(t.db, unconfirmed, { transaction: '0xdef', amount: 200000n, toBudget: sameUnit, now })
  expect(Payments.get(t.db, unconfirmed)?.state).toBe('confirmed')
})

test('an outcome for a payment that was never approved is refused', () => {
  const t = setup()
  const ask = t.decide([challenges.tempo(t.clock.now)])
  expect(ask.kind).toBe('ask')
  const id = (ask as { paymentId: number }).paymentId
  expect(() => Outcome.accepted(t.db, id, { reference: '0x1', now: 1 })).toThrow(/is requested/)
  expect(() => Outcome.sent(t.db, id, { error: 'x', now: 1 })).toThrow(/is requested/)
  expect(Payments.get(t.db, id)?.state).toBe('requested')
})
