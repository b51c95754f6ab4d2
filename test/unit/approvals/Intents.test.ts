import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, test } from 'vitest'
import * as Renewal from '../../../main/approvals/Renewal.js'
import * as AddressShares from '../../../main/ledger/AddressShares.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Settings from '../../../main/ledger/Settings.js'
import * as Subscriptions from '../../../main/ledger/Subscriptions.js'
import * as Challenge from '../../../main/payments/Challenge.js'
import * as Signer from '../../../main/payments/Signer.js'
import * as challenges from '../payments/challenges.js'
import { registry, setup, upstream, usd } from './setup.js'

/** A user who pays this server freely: an auto-approve rule for $1,000 a call naming its recipient, and a lease. */
function generous(t: ReturnType<typeof setup>) {
  Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1000'), now: 0 })
  Leases.add(t.db, { scope: { upstream }, unit: 'usd', amount: usd('1000'), spent: 0n, expiresAt: t.clock.now.getTime() + 3_600_000, now: t.clock.now.getTime() })
}

describe('identity proofs', () => {
  test('ask for what they are under any payment rule or lease, reserve nothing, and a share answers the next ones', () => {
    const t = setup()
    generous(t)
    const asked = t.decide([challenges.tempo(t.clock.now, { amount: '0' })])
    expect(asked).toMatchObject({ kind: 'ask', options: { reasons: ['proof'] } })
    expect(() => t.answer(asked, { approve: true, option: { lease: { minutes: 30, limit: usd('1') } } })).toThrow(/cannot cover it/)
    expect(t.answer(asked, { approve: true, option: { share: true } })).toMatchObject({ kind: 'approved', decidedBy: 'human' })
    const share = AddressShares.covering(t.db, upstream)!
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '0' })])).toMatchObject({ kind: 'approved', decidedBy: `share:${share.id}` })
    expect(t.reservedToday()).toBe(0n)
    expect(Payments.list(t.db).map((row) => row.details?.kind)).toEqual(['proof', 'proof'])
  })

  test('a share never pays: a payment from the same server goes by the payment rules, and a first one asks', () => {
    const t = setup()
    AddressShares.add(t.db, { upstream, now: 0 })
    const asked = t.decide([challenges.tempo(t.clock.now)])
    expect(asked).toMatchObject({ kind: 'ask', options: { reasons: ['new_server', 'new_recipient'] } })
    expect(() => t.answer(asked, { approve: true, option: { share: true } })).toThrow(/never a payment/)
  })

  test('the kill switch declines them; a proof after a credential in the same call asks, though a share covers the server', () => {
    const t = setup()
    AddressShares.add(t.db, { upstream, now: 0 })
    Settings.set(t.db, { paused: true })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '0' })])).toMatchObject({ kind: 'declined', reason: 'paused', message: expect.stringMatching(/^Showing the wallet's address to/) })
    Settings.set(t.db, { paused: false, rechallenge: 'ask' })
    const first = t.decide([challenges.tempo(t.clock.now, { amount: '0' })])
    const prior = Payments.get(t.db, first.paymentId!)!
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '0' })], { prior })).toMatchObject({ kind: 'ask', options: { reasons: ['proof', 'paying_twice'] } })
  })
})

describe('subscriptions', () => {
  test('only the human approves one, whatever rule or lease covers the server; approving keeps its terms', () => {
    const t = setup()
    generous(t)
    const asked = t.decide([challenges.tempoSubscription(t.clock.now)])
    expect(asked).toMatchObject({ kind: 'ask', options: { reasons: ['subscription'] }, payment: { kind: 'subscription', subscription: { periodSeconds: 30 * 86_400 } } })
    expect(() => t.answer(asked, { approve: true, option: { rule: { perCallLimit: usd('100') } } })).toThrow(/on its own terms/)
    expect(t.answer(asked, { approve: true })).toMatchObject({ kind: 'approved' })
    expect(Subscriptions.inForce(t.db, upstream, t.clock.now.getTime())).toMatchObject({ paymentId: asked.paymentId, amountAtomic: 9_000_000n, periodSeconds: 30 * 86_400 })
    // Its first charge counts against budgets like any payment.
    expect(t.reservedToday()).toBe(usd('9'))
  })

  test('changed terms ask again, saying what changed; a cancelled one holds nothing', () => {
    const t = setup()
    t.answer(t.decide([challenges.tempoSubscription(t.clock.now)]), { approve: true })
    expect(t.decide([challenges.tempoSubscription(t.clock.now, { amount: '12000000' })])).toMatchObject({ options: { reasons: ['subscription', 'amount_increased'] } })
    expect(t.decide([challenges.tempoSubscription(t.clock.now, { periodCount: '7' })])).toMatchObject({ options: { reasons: ['subscription', 'period_shortened'] } })
    expect(t.decide([challenges.tempoSubscription(t.clock.now, { amount: '1000000', periodCount: '60' })])).toMatchObject({ options: { reasons: ['subscription'] } })
    Subscriptions.cancel(t.db, Subscriptions.inForce(t.db, upstream, t.clock.now.getTime())!.id, t.clock.now.getTime())
    expect(t.decide([challenges.tempoSubscription(t.clock.now, { periodCount: '7' })])).toMatchObject({ options: { reasons: ['subscription'] } })
  })

  test('one whose authorization never left the wallet (signing failed) holds no terms and is not listed', () => {
    const t = setup()
    const asked = t.decide([challenges.tempoSubscription(t.clock.now)])
    t.answer(asked, { approve: true })
    Payments.transition(t.db, asked.paymentId!, { from: ['approved'], to: 'failed', now: t.clock.now.getTime() })
    expect(Subscriptions.inForce(t.db, upstream, t.clock.now.getTime())).toBeUndefined()
    expect(Subscriptions.list(t.db)).toEqual([])
  })

  test('a budget too small for the first charge declines it', () => {
    const t = setup()
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('5'), now: 0 })
    expect(t.decide([challenges.tempoSubscription(t.clock.now)])).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })
  })

  test('a challenge with a malformed period, no access key, splits, or an end already past is refused as it is', () => {
    const t = setup()
    const refused = (challenge: unknown) => t.decide([challenge])
    expect(refused(challenges.tempoSubscription(t.clock.now, { periodCount: '0' }))).toMatchObject({ kind: 'declined', message: expect.stringContaining('period count') })
    expect(refused(challenges.tempoSubscription(t.clock.now, { periodUnit: 'month' }))).toMatchObject({ kind: 'declined', message: expect.stringContaining('period unit') })
    expect(refused(challenges.tempoSubscription(t.clock.now, { accessKey: null }))).toMatchObject({ kind: 'declined', message: expect.stringContaining('no access key') })
    expect(refused(challenges.tempoSubscription(t.clock.now, { expires: new Date(t.clock.now.getTime() - 1000).toISOString() }))).toMatchObject({ kind: 'declined', reason: 'expired' })
    const withSplits = challenges.tempoSubscription(t.clock.now)
    ;(withSplits.request.methodDetails as Record<string, unknown>).splits = [{ amount: '1', recipient: challenges.recipient }]
    expect(refused(withSplits)).toMatchObject({ kind: 'declined', message: expect.stringContaining('cannot name splits') })
  })
})

describe('renewals', () => {
  /** An approved 30-day subscription whose first charge the chain confirmed at `t.clock.now`. */
  function subscribed() {
    const t = setup()
    const asked = t.decide([challenges.tempoSubscription(t.clock.now)])
    t.answer(asked, { approve: true })
    const now = t.clock.now.getTime()
    Payments.transition(t.db, asked.paymentId!, { from: ['approved'], to: 'confirmed', now, fields: { confirmedAt: now, transactionReference: '0xfirst' } })
    return { t, subscription: Subscriptions.inForce(t.db, upstream, now)!, start: now }
  }
  const day = 86_400_000

  test('a charge a period later is booked once, confirmed, counted in the budget, within the terms', () => {
    const { t, subscription, start } = subscribed()
    const charge = { transaction: '0xrenewal1', amount: 9_000_000n, at: start + 30 * day }
    const recorded = Renewal.record(t.db, subscription, charge, start)!
    expect(recorded.beyondTerms).toBeUndefined()
    expect(Payments.get(t.db, recorded.paymentId)).toMatchObject({ state: 'confirmed', decidedBy: `subscription:${subscription.id}`, settledAmountAtomic: 9_000_000n, details: { kind: 'subscription' } })
    expect(Renewal.record(t.db, subscription, charge, start)).toBeUndefined()
    expect(Budgets.usage(t.db, Budgets.add(t.db, { period: 'month', scope: {}, unit: 'usd', amount: usd('100'), now: start + 30 * day }), new Date(start + 30 * day)).used).toBe(usd('9'))
  })

  test('more than the amount, a second charge within a period, or one after a cancel is booked and said to break the terms', () => {
    const { t, subscription, start } = subscribed()
    expect(Renewal.record(t.db, subscription, { transaction: '0xmore', amount: 12_000_000n, at: start + 30 * day }, start)?.beyondTerms).toMatch(/more than the 9 pathUSD a period/)
    expect(Renewal.record(t.db, subscription, { transaction: '0xearly', amount: 9_000_000n, at: start + 31 * day }, start + 30 * day)?.beyondTerms).toMatch(/before the period/)
    expect(Renewal.record(t.db, subscription, { transaction: '0xontime', amount: 9_000_000n, at: start + 61 * day - 500 }, start + 31 * day)?.beyondTerms).toBeUndefined()
    Subscriptions.cancel(t.db, subscription.id, start + 40 * day)
    const cancelled = Subscriptions.get(t.db, subscription.id)!
    expect(Renewal.record(t.db, cancelled, { transaction: '0xlate', amount: 9_000_000n, at: start + 95 * day }, start + 61 * day)?.beyondTerms).toMatch(/after you cancelled/)
  })

  test('the next charge counts whole periods from the latest, and none after the end or a cancel', () => {
    const terms = { periodSeconds: 30 * 86_400, expiresAt: 100 * day, cancelledAt: null }
    expect(Subscriptions.nextCharge(terms, { anchor: 0, now: 10 * day })).toBe(30 * day)
    expect(Subscriptions.nextCharge(terms, { anchor: 0, now: 30 * day })).toBe(60 * day)
    expect(Subscriptions.nextCharge(terms, { anchor: 0, now: 95 * day })).toBeUndefined()
    expect(Subscriptions.nextCharge({ ...terms, cancelledAt: 5 }, { anchor: 0, now: 10 * day })).toBeUndefined()
  })
})

describe('signing a subscription', () => {
  const account = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
  const now = new Date(2026, 2, 4, 12, 0, 0)
  const sign = (challenge: unknown, approved: unknown) => {
    const result = Challenge.validate(approved, { now, registry })
    if (!result.ok) throw new Error(result.message)
    return Signer.sign({ challenge, payment: result.payment, account, rpcUrl: 'http://127.0.0.1:9' })
  }

  test('signs a key authorization for the approved terms, without a node', async () => {
    const challenge = challenges.tempoSubscription(now)
    const { credential } = await sign(challenge, challenge)
    expect(credential).toMatchObject({ payload: { type: 'keyAuthorization', signature: expect.stringMatching(/^0x/) }, source: expect.stringContaining(account.address.toLowerCase()) })
  })

  test.each([
    ['a shorter period', { periodCount: '7' }],
    ['a later end', { expires: new Date(now.getTime() + 2 * 365 * 86_400_000).toISOString() }],
    ['another access key', { accessKey: { accessKeyAddress: '0x15d34AAf54267DB7D7c367839AAf71A00a2C6A65', keyType: 'secp256k1' } }],
  ])('refuses a challenge that differs from the approved one by %s', async (_, change) => {
    const approved = challenges.tempoSubscription(now)
    const other = challenges.tempoSubscription(now, change)
    await expect(sign({ ...other, id: approved.id }, approved)).rejects.toThrow(/differs from the approved terms/)
  })
})
