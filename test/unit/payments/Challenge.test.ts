import { describe, expect, test } from 'vitest'
import * as Challenge from '../../../main/payments/Challenge.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import * as challenges from './challenges.js'

const now = new Date('2026-03-01T12:00:00Z')
const registry = TokenRegistry.create()
const options = { now, registry }

describe('validate', () => {
  test('a tempo charge becomes a payment priced from the registry', () => {
    const result = Challenge.validate(challenges.tempo(now, { id: 'abc' }), options)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const { payment } = result
    expect(payment).toMatchObject({
      challengeId: 'abc',
      realm: 'tools.example.com',
      method: 'tempo',
      intent: 'charge',
      amount: 50000n,
      recipient: challenges.recipient,
      chainId: 42431,
      splits: [],
      description: 'Premium search',
      flags: ['testnet'],
      budgetUnit: 'usd',
      budgetAmount: 50000n,
    })
    expect(payment.currency).toMatchObject({ symbol: 'pathUSD', decimals: 6 })
    expect(payment.expires?.toISOString()).toBe(challenges.future(now))
  })

  test('an evm charge whose declared decimals agree is not flagged', () => {
    const result = Challenge.validate(challenges.evm(now), options)
    expect(result).toMatchObject({ ok: true, payment: { method: 'evm', amount: 10000n, chainId: 8453, flags: [] } })
  })

  test('a stripe charge in cents budgets in micro-USD; in yen it budgets in yen', () => {
    expect(Challenge.validate(challenges.stripe(now), options)).toMatchObject({ ok: true, payment: { budgetUnit: 'usd', budgetAmount: 750_000n } })
    expect(Challenge.validate(challenges.stripe(now, { currency: 'JPY', amount: '500' }), options)).toMatchObject({
      ok: true,
      payment: { budgetUnit: 'iso:jpy', budgetAmount: 500n },
    })
  })

  test('a zero-amount tempo charge is an identity proof: amount 0, nothing to budget', () => {
    const result = Challenge.validate(challenges.tempo(now, { amount: '0' }), options)
    expect(result.ok && result.payment).toMatchObject({ kind: 'proof', amount: 0n, budgetAmount: 0n, method: 'tempo', intent: 'charge' })
    expect(Challenge.validate(challenges.tempo(now), options)).toMatchObject({ ok: true, payment: { kind: 'payment' } })
  })

  test('a zero-amount evm charge asks for a proof evm does not define (mppx 0.11): unsupported', () => {
    expect(Challenge.validate(challenges.evm(now, { amount: '0' }), options)).toMatchObject({ ok: false, reason: 'unsupported_method', message: expect.stringMatching(/identity proof.*"evm"/) })
  })

  test('a missing expires is allowed but flagged', () => {
    const { expires: _, ...challenge } = challenges.tempo(now)
    expect(Challenge.validate(challenge, options)).toMatchObject({ ok: true, payment: { flags: ['testnet', 'no_expiry'] } })
  })

  test('a declared decimals that differs from the registry is flagged, and never used', () => {
    const result = Challenge.validate(challenges.tempo(now, { details: { decimals: 18 } }), options)
    expect(result).toMatchObject({ ok: true, payment: { amount: 50000n, budgetAmount: 50000n, flags: ['declared_decimals_mismatch', 'testnet'] } })
    if (result.ok) expect(result.payment.currency.decimals).toBe(6)
  })

  test('valid splits are kept', () => {
    const split = { amount: '10000', recipient: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', memo: '0x00' }
    const result = Challenge.validate(challenges.tempo(now, { details: { splits: [split] } }), options)
    expect(result).toMatchObject({ ok: true, payment: { amount: 50000n, splits: [{ amount: 10000n, recipient: split.recipient }] } })
  })

  test('server descriptions are carried as display text only, stripped of control characters', () => {
    const challenge = { ...challenges.tempo(now), description: 'Pay\u202e\n now  please' }
    expect(Challenge.validate(challenge, options)).toMatchObject({ ok: true, payment: { description: 'Pay now please' } })
  })

  test.each(challenges.hostile(now).filter(([name]) => !name.includes('declared decimals')))('rejects %s', (_, challenge, reason, message) => {
    const result = Challenge.validate(challenge, options)
    expect(result).toMatchObject({ ok: false, reason, message })
    if (!result.ok) expect(result.message).toMatch(/^[A-Z].*\.$/)
  })

  test('names the chain a known token lives on when the challenge names another', () => {
    const challenge = challenges.tempo(now, { details: { chainId: 4217 } })
    expect(Challenge.validate({ ...challenge, request: { ...challenge.request, currency: '0x20c0000000000000000000000000000000000001' } }, options)).toMatchObject({
      ok: false,
      message: 'The currency 0x20c0000000000000000000000000000000000001 is known on chains 42431, 1337, not on chain 4217.',
    })
  })
})

describe('a tempo session', () => {
  test('is a payment of the call\'s price over the escrow Allowance trusts on its chain, with the suggested deposit', () => {
    const session = { ...challenges.tempo(now), intent: 'session' }
    session.request = { ...session.request, suggestedDeposit: '1000000' } as typeof session.request
    const result = Challenge.validate(session, options)
    expect(result).toMatchObject({ ok: true, payment: { intent: 'session', amount: 50000n, session: { escrow: '0xe1c4d3dce17bc111181ddf716f75bae49e61a336', price: 50000n, suggestedDeposit: 1_000_000n } } })
  })

  test('names the escrow settings.json trusts for a chain the seed has none for', () => {
    const local = TokenRegistry.create({ escrows: { '42431': '0x5FbDB2315678afecb367f032d93F642f64180aa3' } })
    const session = { ...challenges.tempo(now), intent: 'session' }
    session.request = { ...session.request, methodDetails: { ...session.request.methodDetails, escrowContract: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } } as typeof session.request
    expect(Challenge.validate(session, { now, registry: local })).toMatchObject({ ok: true, payment: { session: { escrow: '0x5FbDB2315678afecb367f032d93F642f64180aa3' } } })
    expect(Challenge.validate(session, options)).toMatchObject({ ok: false, reason: 'invalid_challenge' })
  })
})

describe('select', () => {
  test('keeps valid alternatives in the server order with the raw challenge, and says why others were rejected', () => {
    const good = challenges.stripe(now)
    const { accepted, rejected } = Challenge.select([{ ...challenges.evm(now), intent: 'session' }, good, null], options)
    expect(accepted).toHaveLength(1)
    expect(accepted[0]!.index).toBe(1)
    expect(accepted[0]!.challenge).toBe(good)
    expect(rejected.map((r) => [r.index, r.reason])).toEqual([
      [0, 'unsupported_method'],
      [2, 'invalid_challenge'],
    ])
  })

  test('no challenges at all is an invalid challenge', () => {
    expect(Challenge.select([], options).rejected[0]?.reason).toBe('invalid_challenge')
    expect(Challenge.select({ 0: challenges.tempo(now) }, options).rejected[0]?.reason).toBe('invalid_challenge')
  })

  test('mostRelevant prefers expired over invalid over unsupported', () => {
    const rejected = Challenge.select([{ ...challenges.tempo(now), method: 'x' }, { ...challenges.tempo(now), realm: '' }], options).rejected
    expect(Challenge.mostRelevant(rejected)?.reason).toBe('invalid_challenge')
  })
})
