import { expect, test } from 'vitest'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Channels from '../../../main/ledger/Channels.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as challenges from '../payments/challenges.js'
import { setup, upstream, usd } from './setup.js'

/** A tempo session challenge at 0.05 pathUSD a call on Moderato (whose escrow the seed trusts), suggesting a 0.20 deposit. */
function session(now: Date, recipient = challenges.recipient) {
  const challenge = challenges.tempo(now, { recipient })
  return { ...challenge, intent: 'session', request: { ...challenge.request, suggestedDeposit: '200000' } }
}

const escrow = '0xe1c4d3dce17bc111181ddf716f75bae49e61a336'

/** The channel the wallet would hold after opening: `deposit`, of which `cumulative` is paid. */
function channel(t: ReturnType<typeof setup>, deposit: bigint, cumulative: bigint) {
  Channels.add(t.db, {
    id: `0x${'ab'.repeat(32)}`,
    upstream,
    chainId: 42431,
    escrow,
    token: '0x20c0000000000000000000000000000000000000',
    currency: '42431:0x20c0000000000000000000000000000000000000',
    payer: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC',
    payee: challenges.recipient,
    salt: `0x${'01'.repeat(32)}`,
    deposit,
    cumulative,
    validBefore: 0,
    openPaymentId: 1,
    expiresAt: t.clock.now.getTime() + 3_600_000,
    now: t.clock.now.getTime(),
  })
  Channels.update(t.db, `0x${'ab'.repeat(32)}`, { state: 'open' }, t.clock.now.getTime())
}

test('without a channel, the call is decided as its deposit: the suggested one, asked for above the per-call rule, held against budgets', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('0.05'), now: 0 })
  const decision = t.decide([session(t.clock.now)])
  expect(decision).toMatchObject({ kind: 'ask', payment: { amount: 200_000n, session: { price: 50_000n, step: { action: 'open', deposit: 200_000n } } }, options: { reasons: ['above_auto_approve'] } })
  const approved = t.answer(decision, { approve: true })
  expect(approved).toMatchObject({ kind: 'approved', payment: { session: { step: { action: 'open' } } } })
  expect(t.rows()[0]!.details).toMatchObject({ intent: 'session', amountAtomic: 200_000n, budgetAmount: 200_000n })
  expect(t.reservedToday()).toBe(200_000n)
})

test('a deposit below the price is raised to one call', () => {
  const t = setup()
  const cheap = session(t.clock.now)
  cheap.request = { ...cheap.request, suggestedDeposit: '1' }
  expect(t.decide([cheap])).toMatchObject({ kind: 'ask', payment: { amount: 50_000n, session: { step: { action: 'open', deposit: 50_000n } } } })
})

test('inside an open channel, a call at or under the rule pays by voucher without asking, holding nothing more against budgets', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('0.05'), now: 0 })
  const budget = Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.01'), now: 0 })
  channel(t, 200_000n, 50_000n)
  // The budget of $0.01 does not stop a $0.05 call: the deposit already committed that money.
  const decision = t.decide([session(t.clock.now)])
  expect(decision).toMatchObject({ kind: 'approved', decidedBy: expect.stringMatching(/^rule:/), payment: { amount: 50_000n, session: { step: { action: 'voucher', cumulative: 100_000n } } } })
  expect(t.rows()[0]!.details).toMatchObject({ amountAtomic: 50_000n, budgetAmount: 0n })
  expect(Budgets.usage(t.db, budget, t.clock.now).used).toBe(0n)
})

test('a budget lowered below what the deposit committed stops the vouchers', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
  // A rule up to $1 a payment covers the $0.20 deposit too.
  expect(t.decide([session(t.clock.now)])).toMatchObject({ kind: 'approved', payment: { session: { step: { action: 'open' } } } })
  channel(t, 200_000n, 50_000n)
  Budgets.set(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.10'), now: 0 })
  expect(t.decide([session(t.clock.now)])).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })
})

test('a lease covers vouchers the same way, and they spend none of it', () => {
  const t = setup()
  const lease = Leases.add(t.db, { scope: { upstream }, unit: 'usd', amount: usd('1'), expiresAt: t.clock.now.getTime() + 60_000, now: t.clock.now.getTime() })
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('0.01'), now: 0 })
  channel(t, 200_000n, 0n)
  expect(t.decide([session(t.clock.now)])).toMatchObject({ kind: 'approved', decidedBy: `lease:${lease.id}` })
  expect(Leases.get(t.db, lease.id)!.spent).toBe(0n)
})

test('a hard per-call limit declines a voucher above it, whatever rule would pay', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
  Rules.add(t.db, { kind: 'limit', scope: { upstream }, unit: 'usd', amount: usd('0.02'), now: 0 })
  channel(t, 200_000n, 0n)
  expect(t.decide([session(t.clock.now)])).toMatchObject({ kind: 'declined', reason: 'over_limit' })
  expect(Channels.get(t.db, `0x${'ab'.repeat(32)}`)).toMatchObject({ cumulative: 0n })
})

test('a call above the per-call rule asks even inside the deposit', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('0.01'), now: 0 })
  channel(t, 200_000n, 0n)
  expect(t.decide([session(t.clock.now)])).toMatchObject({ kind: 'ask', options: { reasons: ['above_auto_approve'] }, payment: { session: { step: { action: 'voucher' } } } })
})

test('a voucher that would exceed the deposit is a top-up, asked for like a deposit', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('0.05'), now: 0 })
  channel(t, 200_000n, 180_000n)
  const decision = t.decide([session(t.clock.now)])
  expect(decision).toMatchObject({ kind: 'ask', payment: { amount: 200_000n, session: { step: { action: 'topUp', additional: 200_000n, cumulative: 230_000n } } } })
  expect(t.rows()[0]!.details).toMatchObject({ budgetAmount: 200_000n })
})

test('a server asking to be paid by someone else gets no voucher over the existing channel: it is a new channel, for a recipient never paid', () => {
  const t = setup()
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
  channel(t, 200_000n, 0n)
  const other = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'
  expect(t.decide([session(t.clock.now, other)])).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] }, payment: { recipient: other, session: { step: { action: 'open' } } } })
})

test('vouchers only ever rise: a raise from a stale amount is refused, so two calls never sign the same amount', () => {
  const t = setup()
  channel(t, 200_000n, 50_000n)
  const id = `0x${'ab'.repeat(32)}`
  expect(Channels.raise(t.db, id, { from: 50_000n, to: 100_000n, now: 0 })).toBe(true)
  expect(Channels.raise(t.db, id, { from: 50_000n, to: 100_000n, now: 0 })).toBe(false)
  expect(() => Channels.raise(t.db, id, { from: 100_000n, to: 100_000n, now: 0 })).toThrow(/only raise/)
  expect(Channels.get(t.db, id)).toMatchObject({ cumulative: 100_000n })
})
