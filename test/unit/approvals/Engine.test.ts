import { describe, expect, test } from 'vitest'
import * as Engine from '../../../main/approvals/Engine.js'
import * as Outcome from '../../../main/approvals/Outcome.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Settings from '../../../main/ledger/Settings.js'
import * as challenges from '../payments/challenges.js'
import { registry, setup, upstream, usd } from './setup.js'

const server = { upstream }
/**
 * An auto-approve rule that trusts the test challenges' recipient (a recipient no rule names asks
 * first), and its twin for their card seller's Stripe profile; returns the first.
 */
const autoApprove = (db: ReturnType<typeof setup>['db'], amount: bigint, scope: Rules.add.Parameters['scope'] = server) => {
  const rule = Rules.add(db, { kind: 'auto_approve', scope, recipient: challenges.recipient, unit: 'usd', amount, now: 0 })
  Rules.add(db, { kind: 'auto_approve', scope, recipient: challenges.stripeProfile, unit: 'usd', amount, now: 0 })
  return rule
}

/** The recipient is one the user trusts, by a rule too small to pay anything itself: leases then pay it. */
const trustRecipient = (db: ReturnType<typeof setup>['db']) => autoApprove(db, 1n)

describe('auto-approve rules', () => {
  test('approve at or below the amount, returning the challenge exactly as received, and reserve it', () => {
    const t = setup()
    const rule = autoApprove(t.db, usd('0.05'))
    const challenge = challenges.tempo(t.clock.now, { amount: '50000' })
    const decision = t.decide([challenge])
    expect(decision).toMatchObject({ kind: 'approved', decidedBy: `rule:${rule.id}` })
    if (decision.kind !== 'approved') return
    expect(decision.challenge).toBe(challenge)
    expect(Payments.get(t.db, decision.paymentId)).toMatchObject({
      state: 'approved',
      decision: 'approved',
      decidedBy: `rule:${rule.id}`,
      host: 'Claude Code',
      target: 'search',
      argumentsPreview: expect.stringContaining('"query"'),
      details: { amountAtomic: 50000n, symbol: 'pathUSD', decimals: 6, budgetUnit: 'usd', budgetAmount: 50000n },
    })
    expect(t.reservedToday()).toBe(50000n)
  })

  test('ask above the amount, without reserving', () => {
    const t = setup()
    autoApprove(t.db, usd('0.05'))
    const decision = t.decide([challenges.tempo(t.clock.now, { amount: '50001' })])
    expect(decision).toMatchObject({ kind: 'ask', options: { reasons: ['above_auto_approve'] } })
    expect(Payments.get(t.db, decision.kind === 'ask' ? decision.paymentId : 0)?.state).toBe('requested')
    expect(t.reservedToday()).toBe(0n)
  })

  test('the narrowest matching rule decides: a strict rule on one tool beats a generous one on its server', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    const strict = autoApprove(t.db, usd('0.01'), { upstream, operation: 'tools/call', target: 'search' })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '50000' })])).toMatchObject({ kind: 'ask', options: { reasons: ['above_auto_approve'] } })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '10000' })])).toMatchObject({ kind: 'approved', decidedBy: `rule:${strict.id}` })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '50000' })], { target: 'fetch' })).toMatchObject({ kind: 'approved' })
  })

  test('a rule narrowed to one agent host does not cover another host', () => {
    const t = setup()
    autoApprove(t.db, usd('1'), { upstream, host: 'Cursor' })
    expect(t.decide([challenges.tempo(t.clock.now)], { host: 'Cursor' }).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now)], { host: 'Claude Code' })).toMatchObject({ kind: 'ask', options: { reasons: ['no_rule'] } })
  })

  test('a rule in USD does not cover a currency that is not USD-pegged', () => {
    const t = setup()
    autoApprove(t.db, usd('100'))
    expect(t.decide([challenges.stripe(t.clock.now, { currency: 'eur', amount: '100' })])).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } }) // no rule in EUR covers it, so none vouches for its recipient either
    expect(t.decide([challenges.stripe(t.clock.now, { currency: 'usd', amount: '100' })])).toMatchObject({ kind: 'approved' })
  })
})

describe('hard limits', () => {
  test('decline above the per-call limit with over_limit, even when an auto-approve rule would allow it', () => {
    const t = setup()
    autoApprove(t.db, usd('10'))
    const limit = Rules.add(t.db, { kind: 'limit', scope: {}, unit: 'usd', amount: usd('0.50'), now: 0 })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '500000' })]).kind).toBe('approved')
    const decision = t.decide([challenges.tempo(t.clock.now, { amount: '500001' })])
    expect(decision).toMatchObject({
      kind: 'declined',
      reason: 'over_limit',
      message: 'Payment of 0.500001 pathUSD to tools.example.com for `search` was declined: it is above your limit of $0.50 per call.',
    })
    if (decision.kind === 'declined') expect(Payments.get(t.db, decision.paymentId!)).toMatchObject({ state: 'declined', decidedBy: `rule:${limit.id}` })
    expect(t.reservedToday()).toBe(500000n)
  })

  test('a limit of 0 blocks a server outright, before anyone is asked', () => {
    const t = setup()
    Rules.add(t.db, { kind: 'limit', scope: server, unit: 'usd', amount: 0n, now: 0 })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '1' })])).toMatchObject({ kind: 'declined', reason: 'over_limit' })
  })
})

describe('budgets', () => {
  test("decline with budget_exceeded once the day's budget is used, in a sentence with amounts from the registry", () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('1'), now: 0 })
    for (let i = 0; i < 4; i++) expect(t.decide([challenges.tempo(t.clock.now, { amount: '245000' })]).kind).toBe('approved')
    const decision = t.decide([challenges.tempo(t.clock.now, { amount: '50000', details: {} })])
    expect(decision).toMatchObject({
      kind: 'declined',
      reason: 'budget_exceeded',
      message: "Payment of 0.05 pathUSD to tools.example.com for `search` was declined: today's budget of $1.00 has $0.02 left.",
    })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '20000' })]).kind).toBe('approved')
    expect(t.reservedToday()).toBe(usd('1'))
    t.advance(24 * 3600)
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '50000' })]).kind).toBe('approved')
  })

  test('a server budget counts only that server; weekly and monthly budgets apply together', () => {
    const t = setup()
    const other = 'https://other.example.com/mcp'
    autoApprove(t.db, usd('1'))
    autoApprove(t.db, usd('1'), { upstream: other })
    Budgets.add(t.db, { period: 'week', scope: server, unit: 'usd', amount: usd('0.10'), now: 0 })
    Budgets.add(t.db, { period: 'month', scope: {}, unit: 'usd', amount: usd('0.25'), now: 0 })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '100000' })]).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '10000' })])).toMatchObject({ reason: 'budget_exceeded', message: expect.stringContaining("this week's budget for tools.example.com of $0.10 has $0.00 left") })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '150000' })], { upstream: other }).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '10000' })], { upstream: other })).toMatchObject({ reason: 'budget_exceeded', message: expect.stringContaining("this month's budget of $0.25 has $0.00 left") })
  })

  test('USD-pegged tokens and USD card charges share the usd budget', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('1'), now: 0 })
    expect(t.decide([challenges.stripe(t.clock.now, { amount: '75' })]).kind).toBe('approved') // $0.75 card charge
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '250001' })])).toMatchObject({ reason: 'budget_exceeded' })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '250000' })]).kind).toBe('approved')
  })

  test('a currency that is not USD-pegged budgets in its own units', () => {
    const t = setup()
    Rules.add(t.db, { kind: 'auto_approve', scope: server, recipient: challenges.stripeProfile, unit: 'iso:jpy', amount: 1000n, now: 0 })
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'iso:jpy', amount: 1000n, now: 0 })
    expect(t.decide([challenges.stripe(t.clock.now, { currency: 'jpy', amount: '600' })]).kind).toBe('approved')
    expect(t.decide([challenges.stripe(t.clock.now, { currency: 'jpy', amount: '600' })])).toMatchObject({
      reason: 'budget_exceeded',
      message: expect.stringContaining("today's budget of 1000 JPY has 400 JPY left"),
    })
  })

  test('an exhausted budget declines before a human is bothered', () => {
    const t = setup()
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.01'), now: 0 })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '50000' })])).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })
  })
})

describe('leases', () => {
  test('a lease granted with an approval counts that payment, and pays later calls up to its limit until it expires', () => {
    const t = setup()
    const first = t.decide([challenges.tempo(t.clock.now, { amount: '500000' })])
    const approved = t.answer(first, { approve: true, option: { lease: { minutes: 30, limit: usd('2') } } })
    expect(approved).toMatchObject({ kind: 'approved', decidedBy: 'human' })
    const [lease] = Leases.list(t.db, { activeAt: t.clock.now.getTime() })
    // "up to $2" is everything spent under the approval, the approved $0.50 included.
    expect(lease).toMatchObject({ upstream, target: null, unit: 'usd', amount: usd('2'), spent: usd('0.5') })
    expect(Payments.get(t.db, (approved as { paymentId: number }).paymentId)).toMatchObject({ decidedBy: 'human', leaseId: lease!.id })

    for (let i = 0; i < 3; i++) expect(t.decide([challenges.tempo(t.clock.now, { amount: '500000' })])).toMatchObject({ kind: 'approved', decidedBy: `lease:${lease!.id}` })
    expect(Leases.get(t.db, lease!.id)!.spent).toBe(usd('2'))
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '1' })])).toMatchObject({ kind: 'ask', options: { reasons: ['no_rule'] } })

    const fresh = Leases.add(t.db, { scope: server, unit: 'usd', amount: usd('1'), expiresAt: t.clock.now.getTime() + 30 * 60_000, now: t.clock.now.getTime() })
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '1' })])).toMatchObject({ decidedBy: `lease:${fresh.id}` })
    t.advance(30 * 60)
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '1' })])).toMatchObject({ kind: 'ask' })
  })

  test('when the approving payment fails, the lease gets its share back', () => {
    const t = setup()
    const first = t.answer(t.decide([challenges.tempo(t.clock.now, { amount: '20000' })]), { approve: true, option: { lease: { minutes: 30, limit: usd('0.05') } } })
    const [lease] = Leases.list(t.db)
    expect(lease!.spent).toBe(usd('0.02'))
    Outcome.fail(t.db, (first as { paymentId: number }).paymentId, { error: 'upstream unreachable', now: t.clock.now.getTime() })
    expect(Leases.get(t.db, lease!.id)!.spent).toBe(0n)
    expect(t.reservedToday()).toBe(0n)
  })

  test('a lease whose limit is below the approving payment is refused, and the payment still waits', () => {
    const t = setup()
    const ask = t.decide([challenges.tempo(t.clock.now, { amount: '100000' })])
    expect(() => t.answer(ask, { approve: true, option: { lease: { minutes: 30, limit: usd('0.05') } } })).toThrow(
      'A lease up to $0.05 cannot cover this payment of $0.10.',
    )
    expect(Leases.list(t.db)).toEqual([])
    expect(Payments.get(t.db, (ask as { paymentId: number }).paymentId)?.state).toBe('requested')
  })

  test('a revoked lease no longer pays, and leases are listable', () => {
    const t = setup()
    const now = t.clock.now.getTime()
    const lease = Leases.add(t.db, { scope: { upstream, operation: 'tools/call', target: 'search' }, unit: 'usd', amount: usd('1'), expiresAt: now + 60_000, now })
    trustRecipient(t.db)
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ decidedBy: `lease:${lease.id}` })
    expect(t.decide([challenges.tempo(t.clock.now)], { target: 'fetch' })).toMatchObject({ kind: 'ask' })
    expect(Leases.revoke(t.db, lease.id, now)).toBe(true)
    expect(Leases.list(t.db, { activeAt: now })).toEqual([])
    expect(Leases.list(t.db)).toHaveLength(1)
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ kind: 'ask' })
  })

  test('budgets and limits still apply to a lease', () => {
    const t = setup()
    const now = t.clock.now.getTime()
    Leases.add(t.db, { scope: server, unit: 'usd', amount: usd('5'), expiresAt: now + 60_000, now })
    trustRecipient(t.db)
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.05'), now })
    expect(t.decide([challenges.tempo(t.clock.now)]).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ reason: 'budget_exceeded' })
  })
})

describe('first payment to a server or recipient', () => {
  const other = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
  const untrusting = (db: ReturnType<typeof setup>['db'], scope: Rules.add.Parameters['scope']) =>
    Rules.add(db, { kind: 'auto_approve', scope, unit: 'usd', amount: usd('1'), now: 0 })

  test('asks a human under a global rule, then the rule applies once the human has approved that server', () => {
    const t = setup()
    const global = untrusting(t.db, {})
    const first = t.decide([challenges.tempo(t.clock.now)])
    expect(first).toMatchObject({ kind: 'ask', options: { reasons: ['new_server', 'new_recipient'] } })
    t.answer(first, { approve: true })
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ kind: 'approved', decidedBy: `rule:${global.id}` })
    const newRecipient = t.decide([challenges.tempo(t.clock.now, { recipient: other })])
    expect(newRecipient).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } })
  })

  test('a rule naming the server does not make its recipients known: each new one asks, whatever the rule or lease', () => {
    const t = setup()
    const rule = untrusting(t.db, server)
    const first = t.decide([challenges.tempo(t.clock.now)])
    expect(first).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } })
    t.answer(first, { approve: true })
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ kind: 'approved', decidedBy: `rule:${rule.id}` })
    expect(t.decide([challenges.tempo(t.clock.now, { recipient: other })])).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } })
    // A tool-scoped rule and a lease do no better.
    const now = t.clock.now.getTime()
    untrusting(t.db, { upstream, operation: 'tools/call', target: 'search' })
    Leases.add(t.db, { scope: server, unit: 'usd', amount: usd('5'), expiresAt: now + 60_000, now })
    expect(t.decide([challenges.tempo(t.clock.now, { recipient: other })])).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } })
    // Known on this server is not known on another.
    untrusting(t.db, { upstream: 'https://elsewhere.example/mcp' })
    expect(t.decide([challenges.tempo(t.clock.now)], { upstream: 'https://elsewhere.example/mcp' })).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } })
  })

  test('a rule that names the recipient pays it at once; a split to another recipient still asks', () => {
    const t = setup()
    const rule = autoApprove(t.db, usd('1'))
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ kind: 'approved', decidedBy: `rule:${rule.id}` })
    const split = challenges.tempo(t.clock.now, { amount: '20000', details: { splits: [{ amount: '1000', recipient: other }] } })
    expect(t.decide([split])).toMatchObject({ kind: 'ask', options: { reasons: ['new_recipient'] } })
  })

  test('a human decline does not make a server known', () => {
    const t = setup()
    untrusting(t.db, {})
    t.answer(t.decide([challenges.tempo(t.clock.now)]), { approve: false })
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({ kind: 'ask', options: { reasons: ['new_server', 'new_recipient'] } })
  })

  test('does not ask when a rule the user made names that server', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    expect(t.decide([challenges.tempo(t.clock.now)]).kind).toBe('approved')
  })
})

describe('loop breaker', () => {
  test('the same call with the same arguments paid more than N times within M seconds asks a human', () => {
    const t = setup()
    Settings.set(t.db, { loopBreaker: { count: 3, seconds: 60 } })
    autoApprove(t.db, usd('1'))
    const same = { arguments: { query: 'weather', page: 1 } }
    for (let i = 0; i < 3; i++) expect(t.decide([challenges.tempo(t.clock.now)], same).kind).toBe('approved')
    // Key order does not make a different call.
    expect(t.decide([challenges.tempo(t.clock.now)], { arguments: { page: 1, query: 'weather' } })).toMatchObject({ kind: 'ask', options: { reasons: ['loop'] } })
    expect(t.decide([challenges.tempo(t.clock.now)], { arguments: { query: 'weather', page: 2 } }).kind).toBe('approved')
    t.advance(61)
    expect(t.decide([challenges.tempo(t.clock.now)], same).kind).toBe('approved')
  })

  test('also stops a lease from paying a loop', () => {
    const t = setup()
    Settings.set(t.db, { loopBreaker: { count: 2, seconds: 60 } })
    const now = t.clock.now.getTime()
    Leases.add(t.db, { scope: server, unit: 'usd', amount: usd('5'), expiresAt: now + 600_000, now })
    trustRecipient(t.db)
    const same = { arguments: {} }
    expect(t.decide([challenges.tempo(t.clock.now)], same).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now)], same).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now)], same)).toMatchObject({ kind: 'ask', options: { reasons: ['loop'] } })
  })
})

describe('pause', () => {
  test('the kill switch declines everything with paused; resume restores the rules', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    Settings.set(t.db, { paused: true })
    expect(t.decide([challenges.tempo(t.clock.now)])).toMatchObject({
      kind: 'declined',
      reason: 'paused',
      message: 'Payment of 0.05 pathUSD to tools.example.com for `search` was declined: payments are paused in Allowance.',
    })
    expect(t.reservedToday()).toBe(0n)
    Settings.set(t.db, { paused: false })
    expect(t.decide([challenges.tempo(t.clock.now)]).kind).toBe('approved')
  })

  test('pausing while a human decides declines the approval', () => {
    const t = setup()
    const ask = t.decide([challenges.tempo(t.clock.now)])
    Settings.set(t.db, { paused: true })
    expect(t.answer(ask, { approve: true })).toMatchObject({ kind: 'declined', reason: 'paused' })
  })
})

describe('human answers', () => {
  test('approve once reserves; decline records the human and reserves nothing', () => {
    const t = setup()
    const yes = t.answer(t.decide([challenges.tempo(t.clock.now)]), { approve: true, option: 'once' })
    expect(yes).toMatchObject({ kind: 'approved', decidedBy: 'human' })
    const no = t.answer(t.decide([challenges.tempo(t.clock.now, { amount: '70000' })]), { approve: false })
    expect(no).toMatchObject({
      kind: 'declined',
      reason: 'declined_by_user',
      message: 'Payment of 0.07 pathUSD to tools.example.com for `search` was declined: the user declined it.',
    })
    if (no.kind === 'declined') expect(Payments.get(t.db, no.paymentId!)).toMatchObject({ state: 'declined', decidedBy: 'human' })
    expect(t.reservedToday()).toBe(50000n)
  })

  test('a challenge that expired while the human decided is declined as expired', () => {
    const t = setup()
    const ask = t.decide([challenges.tempo(t.clock.now, { expires: challenges.future(t.clock.now, 30) })])
    t.advance(31)
    expect(t.answer(ask, { approve: true })).toMatchObject({ kind: 'declined', reason: 'expired' })
    expect(t.reservedToday()).toBe(0n)
  })

  test('the budget is re-checked at the answer', () => {
    const t = setup()
    autoApprove(t.db, usd('0.05'))
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.10'), now: 0 })
    const ask = t.decide([challenges.tempo(t.clock.now, { amount: '60000' })])
    expect(ask.kind).toBe('ask')
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '50000' })]).kind).toBe('approved')
    expect(t.answer(ask, { approve: true })).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })
    expect(t.reservedToday()).toBe(50000n)
  })

  test('approving with a rule creates an auto-approve rule for that tool in the same transaction', () => {
    const t = setup()
    const ask = t.decide([challenges.tempo(t.clock.now)])
    t.answer(ask, { approve: true, option: { rule: { perCallLimit: usd('0.10') } } })
    expect(Rules.list(t.db)).toMatchObject([{ kind: 'auto_approve', upstream, operation: 'tools/call', target: 'search', unit: 'usd', amount: usd('0.10') }])
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '100000' })]).kind).toBe('approved')
    expect(t.decide([challenges.tempo(t.clock.now, { amount: '100001' })]).kind).toBe('ask')
  })

  test('the human may pick another alternative; the ledger row then describes that one', () => {
    const t = setup()
    const card = challenges.stripe(t.clock.now, { amount: '75' })
    const ask = t.decide([challenges.tempo(t.clock.now), card])
    const approved = t.answer(ask, { approve: true, challengeId: card.id })
    expect(approved).toMatchObject({ kind: 'approved', challenge: card, payment: { method: 'stripe', amount: 75n } })
    if (approved.kind === 'approved') {
      expect(Payments.get(t.db, approved.paymentId)).toMatchObject({ details: { method: 'stripe', challengeId: card.id, budgetAmount: 750000n } })
    }
    expect(t.reservedToday()).toBe(750000n)
  })

  test('a payment can be answered only once', () => {
    const t = setup()
    const ask = t.decide([challenges.tempo(t.clock.now)])
    t.answer(ask, { approve: true })
    expect(() => t.answer(ask, { approve: true })).toThrow(/not waiting for approval/)
    expect(t.reservedToday()).toBe(50000n)
  })
})

describe('alternatives', () => {
  test('an invalid alternative is skipped in favour of a valid one', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    const good = challenges.stripe(t.clock.now)
    expect(t.decide([{ ...challenges.tempo(t.clock.now), request: null }, good])).toMatchObject({ kind: 'approved', challenge: good })
  })

  test('alternatives no wallet can pay are skipped, and if none remain the reason says so', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    const request = t.request([challenges.tempo(t.clock.now), challenges.stripe(t.clock.now)])
    const payable = (payment: { method: string }) => payment.method === 'stripe'
    expect(Engine.decide(t.db, request, { now: t.clock.now, registry, payable })).toMatchObject({ kind: 'approved', payment: { method: 'stripe' } })
    expect(Engine.decide(t.db, request, { now: t.clock.now, registry, payable: () => false })).toMatchObject({
      kind: 'declined',
      reason: 'unsupported_method',
      message: expect.stringMatching(/^Payment to tools\.example\.com for `search` was declined: Allowance has no wallet or card set up to pay in pathUSD on Tempo Testnet \(Moderato\)\.$/),
    })
  })
})

describe('a second challenge within one host request', () => {
  /** The first round, approved by `rule`, its credential sent: the row the companion hands to the next decision as `prior`. */
  const firstRound = (t: ReturnType<typeof setup>) => {
    const first = t.decide([challenges.tempo(t.clock.now)])
    if (first.kind !== 'approved') throw new Error(`expected approval, got ${first.kind}`)
    Outcome.signed(t.db, first.paymentId, { now: t.clock.now.getTime() })
    Outcome.sent(t.db, first.paymentId, { error: 'the server refused the credential and asked for payment again', now: t.clock.now.getTime() })
    return Payments.get(t.db, first.paymentId)!
  }

  test('is declined by default, under a rule for everything, the server, the tool and a lease; nothing more is reserved', () => {
    const t = setup()
    const now = t.clock.now.getTime()
    autoApprove(t.db, usd('1000'), {})
    autoApprove(t.db, usd('1000'))
    autoApprove(t.db, usd('1000'), { upstream, operation: 'tools/call', target: 'search' })
    Leases.add(t.db, { scope: server, unit: 'usd', amount: usd('1000'), expiresAt: now + 60_000, now })
    const prior = firstRound(t)
    const reserved = t.reservedToday()
    const second = t.decide([challenges.tempo(t.clock.now)], { prior })
    expect(second).toMatchObject({ kind: 'declined', reason: 'rechallenge' })
    expect((second as { message: string }).message).toBe(
      'Payment of 0.05 pathUSD to tools.example.com for `search` was declined: the server refused a payment it had already been sent; Allowance did not pay again.',
    )
    expect(Payments.get(t.db, second.paymentId!)).toMatchObject({ round: 2, previousPaymentId: prior.id, state: 'declined' })
    expect(t.reservedToday()).toBe(reserved)
  })

  test('with the ask setting, goes to the human as paying twice, saying what changed; the answer pays once and grants nothing', () => {
    const t = setup()
    autoApprove(t.db, usd('1000'))
    Settings.set(t.db, { rechallenge: 'ask' })
    const prior = firstRound(t)
    const other = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
    const second = t.decide([challenges.tempo(t.clock.now, { amount: '60000', recipient: other })], { prior })
    expect(second).toMatchObject({ kind: 'ask', options: { reasons: ['paying_twice', 'recipient_changed', 'amount_increased'], prior: { paymentId: prior.id } } })
    const paid = t.answer(second, { approve: true, option: { lease: { minutes: 30, limit: usd('1') } } })
    expect(paid).toMatchObject({ kind: 'approved', decidedBy: 'human' })
    expect(Leases.list(t.db)).toEqual([])
    expect(Payments.get(t.db, paid.paymentId!)).toMatchObject({ round: 2, state: 'approved' })
  })
})

describe('network fees', () => {
  test('a payment holds its price plus its fee bound against budgets, leases and the ledger row', () => {
    const t = setup()
    autoApprove(t.db, usd('1'))
    const budget = Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.05'), now: 0 })
    const fee = { amountAtomic: 7000n, currency: '42431:0x20c0000000000000000000000000000000000000', symbol: 'pathUSD', decimals: 6, estimated: true }
    const feeOf = () => ({ fee, budgetAmount: 7000n })
    const decide = (amount: string) => Engine.decide(t.db, t.request([challenges.tempo(t.clock.now, { amount })]), { now: t.clock.now, registry, feeOf })
    const paid = decide('30000')
    expect(paid).toMatchObject({ kind: 'approved' })
    expect(Payments.get(t.db, paid.paymentId!)).toMatchObject({ fee, details: { amountAtomic: 30000n, budgetAmount: 37000n } })
    expect(Budgets.usage(t.db, budget, t.clock.now).used).toBe(37000n)
    // 0.01 more would fit the budget, but not with its fee.
    expect(decide('10000')).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })
  })
})
