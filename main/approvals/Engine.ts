import * as AddressShares from '../ledger/AddressShares.js'
import { type Database, immediate } from '../ledger/Database.js'
import * as Budgets from '../ledger/Budgets.js'
import * as Leases from '../ledger/Leases.js'
import * as Payments from '../ledger/Payments.js'
import * as Prices from '../ledger/Prices.js'
import * as Rules from '../ledger/Rules.js'
import * as Scope from '../ledger/Scope.js'
import * as Settings from '../ledger/Settings.js'
import * as Subscriptions from '../ledger/Subscriptions.js'
import * as Challenge from '../payments/Challenge.js'
import * as Methods from '../payments/methods/Methods.js'
import * as Quote from '../payments/Quote.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Arguments from './Arguments.js'
import type { AskReason, Decision, DeclineReason } from './Decision.js'
import * as KnownServer from './KnownServer.js'
import * as Message from './Message.js'
import * as SessionPlan from './SessionPlan.js'

/**
 * The companion's decision on a payment request. Validation, the kill switch, hard limits,
 * budgets, lease consumption and the ledger row with its decision all happen in one
 * `BEGIN IMMEDIATE` transaction: SQLite's write lock serializes deciders across processes, so
 * two bridges can never both spend the last of a budget.
 *
 * Order: invalid → declined; paused → declined; above a hard limit → declined `over_limit`; over a
 * budget → declined `budget_exceeded`; a loop or a never-paid server/recipient → ask; an active
 * lease with room → approved; the narrowest auto-approve rule at or above the amount → approved;
 * otherwise ask. Two intents are approved for what they are, never by a payment rule or lease: an
 * identity proof (amount 0: the wallet's address) by the user's share with that server, else the
 * human; a subscription by the human only, told what changed since the terms in force.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as TokenRegistry from '../payments/TokenRegistry.js'
 * import * as Engine from './Engine.js'
 *
 * const db = Database.open(':memory:')
 * const decision = Engine.decide(
 *   db,
 *   {
 *     host: 'Claude Code',
 *     upstream: 'https://tools.example.com/mcp',
 *     operation: 'tools/call',
 *     target: 'search',
 *     arguments: { query: 'weather in Paris' },
 *     // data.challenges of the server's payment-required error, as received
 *     challenges: [
 *       {
 *         id: 'ch_1',
 *         realm: 'tools.example.com',
 *         method: 'evm',
 *         intent: 'charge',
 *         request: { amount: '10000', currency: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', methodDetails: { chainId: 8453 } },
 *       },
 *     ],
 *   },
 *   { now: new Date(), registry: TokenRegistry.create() },
 * )
 * decision.kind // 'ask': a server never paid before waits for the human, whatever the rules say
 * ```
 */
export function decide(db: Database, request: decide.Request, options: decide.Options): Decision {
  const context = checkRequest(request)
  const { prior } = request
  const row = {
    now: options.now.getTime(),
    context,
    argumentsHash: Arguments.hash(request.arguments),
    argumentsPreview: Arguments.preview(request.arguments),
    round: prior ? prior.round + 1 : 1,
    previousPaymentId: prior?.id,
  }
  return immediate(db, decideNow)(db, request.challenges, row, options, prior)
}

export declare namespace decide {
  type Request = {
    /** The agent host, from its MCP `clientInfo`. */
    host: string
    /** The configured upstream identity: its URL, or the stdio command line. */
    upstream: string
    operation: Scope.Operation
    /** Tool name, resource URI or prompt name. */
    target: string
    arguments?: unknown
    /** `data.challenges` as received: untrusted. */
    challenges: unknown
    /**
     * The payment of the round before in the same host request, when the server answered its
     * credential with a new challenge: this one would pay a second time, which no rule or lease may approve.
     */
    prior?: Payments.Row | undefined
  }
  type Options = {
    now: Date
    registry: TokenRegistry.Registry
    /** Whether a wallet or card can pay this alternative; alternatives it cannot pay are skipped. */
    payable?: ((payment: Challenge.Payment) => boolean) | undefined
    /** The network fee paying this alternative may cost the wallet at most, and that bound in the payment's budget unit. */
    feeOf?: ((payment: Challenge.Payment) => FeeBound | undefined) | undefined
    /** The policy as this transaction already read it (a batch reads it once); read here when absent. */
    policy?: Policy | undefined
  }
}

/**
 * What the user decided ahead of time: settings, rules and budgets. Deciding never changes it, so
 * the decisions of one transaction can share one reading of it.
 */
export type Policy = { settings: Settings.Settings; rules: readonly Rules.Rule[]; budgets: readonly Budgets.Budget[] }

/** An upper bound of a payment's network fee, and what it counts against budgets. */
export type FeeBound = { fee: Payments.Fee; budgetAmount: bigint }

/** Reads the policy; call inside the transaction that decides with it. */
export function policy(db: Database): Policy {
  return { settings: Settings.get(db), rules: Rules.list(db), budgets: Budgets.list(db) }
}

type Row = { now: number; context: Scope.Context; argumentsHash: string; argumentsPreview: string | null; round: number; previousPaymentId: number | undefined }

function decideNow(db: Database, challenges: unknown, row: Row, options: decide.Options, prior: Payments.Row | undefined): Decision {
  const { now, context, argumentsHash } = row
  const { candidates, rejection } = acceptable(challenges, options)
  const chosen = candidates[0]
  if (!chosen) {
    const { reason, message } = rejection!
    const challengeId = readableId(challenges)
    const protocol = protocolOf(challenges)
    const paymentId = Payments.insert(db, { ...row, state: 'declined', decision: 'declined', decidedBy: 'policy', declineReason: reason, challengeId, protocol })
    return { kind: 'declined', paymentId, reason, message: Message.declined(context, undefined, Message.clause(reason, message)) }
  }

  if (chosen.payment.kind === 'proof') return decideProof(db, { chosen, candidates, row, prior, settings: (options.policy ?? policy(db)).settings })
  // What the server asks now is the price the user and the agent are shown next (advisory only).
  if (chosen.payment.kind === 'payment') {
    const source = chosen.payment.protocol === 'x402' ? 'x402' : 'challenge'
    Prices.learn(db, { upstream: context.upstream, operation: context.operation, target: context.target, source, ...Quote.ofPayment(chosen.payment) }, now)
  }
  // A session call is decided as what it does to its channel: a deposit, a top-up or a voucher.
  const payment = SessionPlan.plan(db, chosen.payment, context.upstream)
  const bound = options.feeOf?.(payment)
  const held = SessionPlan.held(payment) + (bound?.budgetAmount ?? 0n)
  const details = toDetails(payment, bound)
  const fields = { ...row, details, fee: bound?.fee }
  const decline = (reason: DeclineReason, clause: string, decidedBy: string): Decision => {
    const paymentId = Payments.insert(db, { ...fields, state: 'declined', decision: 'declined', decidedBy, declineReason: reason })
    return { kind: 'declined', paymentId, reason, message: Message.declined(context, toPrice(payment), clause) }
  }

  const { settings, rules: allRules, budgets } = options.policy ?? policy(db)
  if (settings.paused) return decline('paused', Message.clause('paused'), 'policy')
  const rules = Rules.matching(allRules, context, payment.budgetUnit)
  const usages = Budgets.usages(db, { budgets, context, unit: payment.budgetUnit, now: options.now })
  const refusal = refuse(payment, held, rules, usages)
  if (refusal) return decline(refusal.reason, refusal.clause, refusal.decidedBy)
  if (prior && settings.rechallenge === 'decline') return decline('rechallenge', Message.clause('rechallenge'), 'policy')

  const verdict = prior
    ? { ask: secondPayment(prior, payment) }
    : payment.kind === 'subscription'
      ? { ask: subscriptionAsks(db, payment, context.upstream, now) }
      : automatic(db, { payment, held, context, argumentsHash, now, settings, rules, known: KnownServer.known(db, allRules, context.upstream, now) })
  if ('decidedBy' in verdict) {
    Budgets.reserve(db, { context, unit: payment.budgetUnit, amount: held, now: options.now, usages })
    const paymentId = Payments.insert(db, { ...fields, state: 'approved', decision: 'approved', decidedBy: verdict.decidedBy, leaseId: verdict.leaseId })
    return { kind: 'approved', paymentId, challenge: chosen.challenge, payment, decidedBy: verdict.decidedBy }
  }
  const paymentId = Payments.insert(db, { ...fields, state: 'requested' })
  return { kind: 'ask', paymentId, payment, options: { reasons: verdict.ask, alternatives: candidates, ...(prior?.details && { prior: { paymentId: prior.id, details: prior.details } }) } }
}

/**
 * An identity proof (a zero-amount challenge: the wallet's address, no money) is approved for what
 * it is: by the user's share of their address with this server, or by the human. No payment rule,
 * lease or budget covers it; the kill switch and the user's answer to a second round still apply.
 */
function decideProof(db: Database, parameters: decideProof.Parameters): Decision {
  const { chosen, candidates, row, prior, settings } = parameters
  const { context } = row
  const fields = { ...row, details: toDetails(chosen.payment) }
  const decline = (reason: 'paused' | 'rechallenge'): Decision => {
    const paymentId = Payments.insert(db, { ...fields, state: 'declined', decision: 'declined', decidedBy: 'policy', declineReason: reason })
    return { kind: 'declined', paymentId, reason, message: Message.declined(context, toPrice(chosen.payment), Message.clause(reason)) }
  }
  if (settings.paused) return decline('paused')
  if (prior && settings.rechallenge === 'decline') return decline('rechallenge')
  // A proof after a credential in the same host request is the human's to give, like a second payment.
  const share = prior ? undefined : AddressShares.covering(db, context.upstream)
  if (share) {
    const decidedBy = `share:${share.id}`
    const paymentId = Payments.insert(db, { ...fields, state: 'approved', decision: 'approved', decidedBy })
    return { kind: 'approved', paymentId, challenge: chosen.challenge, payment: chosen.payment, decidedBy }
  }
  const paymentId = Payments.insert(db, { ...fields, state: 'requested' })
  const reasons: AskReason[] = prior ? ['proof', 'paying_twice'] : ['proof']
  return { kind: 'ask', paymentId, payment: chosen.payment, options: { reasons, alternatives: candidates, ...(prior?.details && { prior: { paymentId: prior.id, details: prior.details } }) } }
}

declare namespace decideProof {
  type Parameters = { chosen: Challenge.Candidate; candidates: Challenge.Candidate[]; row: Row; prior: Payments.Row | undefined; settings: Settings.Settings }
}

/**
 * A subscription is the human's to approve, every time a server asks for one, and the card says
 * what changed since the terms in force with that server: a higher amount, a shorter period (each
 * a higher charge per unit of time than the human accepted).
 */
function subscriptionAsks(db: Database, payment: Challenge.Payment, upstream: string, now: number): AskReason[] {
  const reasons: AskReason[] = ['subscription']
  const terms = Subscriptions.inForce(db, upstream, now)
  if (!terms || !payment.subscription) return reasons
  if (terms.currency === payment.currency.key && payment.amount > terms.amountAtomic) reasons.push('amount_increased')
  if (payment.subscription.periodSeconds < terms.periodSeconds) reasons.push('period_shortened')
  if ((terms.recipient ?? '').toLowerCase() !== (payment.recipient ?? '').toLowerCase()) reasons.push('recipient_changed')
  if (terms.currency !== payment.currency.key) reasons.push('currency_changed')
  return reasons
}

/**
 * Why a challenge that follows a credential within the same host request asks: it is a second
 * payment for one call, and the card says what changed since the first (recipient, currency,
 * chain, a higher amount).
 */
function secondPayment(prior: Payments.Row, payment: Challenge.Payment): AskReason[] {
  const reasons: AskReason[] = ['paying_twice']
  const before = prior.details
  if (!before) return reasons
  const recipients = (details: { recipient: string | null }) => (details.recipient ?? '').toLowerCase()
  if (recipients(before) !== (payment.recipient ?? '').toLowerCase()) reasons.push('recipient_changed')
  if (before.currency !== payment.currency.key) reasons.push('currency_changed')
  if ((before.chainId ?? null) !== (payment.chainId ?? null)) reasons.push('chain_changed')
  if (before.currency === payment.currency.key && payment.amount > before.amountAtomic) reasons.push('amount_increased')
  return reasons
}

export class NotPendingError extends Error {
  override name = 'NotPendingError'
}

/**
 * A human's answer to an `ask`. Re-validates the chosen alternative (expiry), re-checks the kill
 * switch, limits and budgets, and reserves, in one IMMEDIATE transaction; a lease or rule the
 * answer creates is written in that same transaction. Throws {@link NotPendingError} if the
 * payment is not waiting for an answer.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as TokenRegistry from '../payments/TokenRegistry.js'
 * import type { Ask } from './Decision.js'
 * import * as Engine from './Engine.js'
 *
 * const db = Database.open(':memory:')
 * declare const ask: Ask // what Engine.decide answered for a call that waits for the human
 * const decision = Engine.answer(
 *   db,
 *   ask.paymentId,
 *   { approve: true, option: { lease: { minutes: 30, limit: 2_000_000n } } },
 *   { now: new Date(), registry: TokenRegistry.create(), alternatives: ask.options.alternatives },
 * )
 * // 'approved', and the server is paid without asking for 30 minutes, up to $2.00 in all;
 * // 'declined' if meanwhile the payments were paused or a budget ran out
 * decision.kind
 * ```
 */
export function answer(db: Database, paymentId: number, response: answer.Response, options: answer.Options): Decision {
  return db
    .transaction((): Decision => {
      const now = options.now.getTime()
      const row = Payments.get(db, paymentId)
      if (!row || row.state !== 'requested') throw new NotPendingError(`Payment ${paymentId} is not waiting for approval.`)
      const context: Scope.Context = { host: row.host, upstream: row.upstream, operation: row.operation, target: row.target }
      const decline = (reason: DeclineReason, clause: string, price: Message.Price | undefined, decidedBy = 'policy'): Decision => {
        const fields = { decision: 'declined' as const, decidedBy, decidedAt: now, declineReason: reason }
        Payments.transition(db, paymentId, { from: ['requested'], to: 'declined', now, fields })
        return { kind: 'declined', paymentId, reason, message: Message.declined(context, price, clause) }
      }
      const rowPrice = row.details ? Message.priceOf(row.details) : undefined
      if (!response.approve) {
        const reason = response.reason ?? 'declined_by_user'
        return decline(reason, Message.clause(reason), rowPrice, reason === 'declined_by_user' ? 'human' : 'policy')
      }

      const challengeId = response.challengeId ?? row.challengeId
      const candidate = options.alternatives.find((candidate) => candidate.payment.challengeId === challengeId)
      if (!candidate) throw new Error(`Payment ${paymentId} has no alternative with challenge id ${JSON.stringify(challengeId)}.`)
      const { candidates, rejection } = acceptable([candidate.challenge], options)
      if (!candidates[0]) return decline(rejection!.reason, Message.clause(rejection!.reason, rejection!.message), rowPrice)
      // Planned again: the channel may have opened, or been drawn on, while the human read the card.
      const payment = SessionPlan.plan(db, candidates[0].payment, row.upstream)

      const { settings, rules, budgets } = policy(db)
      if (settings.paused) return decline('paused', Message.clause('paused'), toPrice(payment))
      if (payment.kind === 'proof') {
        // Showing the address is all a proof costs: no budget, no lease, no payment rule; at most a share.
        const option = row.round > 1 ? 'once' : (response.option ?? 'once')
        if (option !== 'once' && !('share' in option)) throw new Error('An identity proof moves no money: a lease or payment rule cannot cover it.')
        if (option !== 'once') AddressShares.add(db, { upstream: context.upstream, now })
        const fields = { ...toDetails(payment), decision: 'approved' as const, decidedBy: 'human', decidedAt: now }
        Payments.transition(db, paymentId, { from: ['requested'], to: 'approved', now, fields })
        return { kind: 'approved', paymentId, challenge: candidate.challenge, payment, decidedBy: 'human' }
      }
      if (response.option !== undefined && response.option !== 'once' && 'share' in response.option) throw new Error('Sharing the address approves identity proofs only, never a payment.')
      if (payment.kind === 'subscription' && response.option !== undefined && response.option !== 'once') throw new Error('A subscription is approved on its own terms: a lease or rule cannot come with it.')
      const bound = options.feeOf?.(payment)
      const held = SessionPlan.held(payment) + (bound?.budgetAmount ?? 0n)
      const usages = Budgets.usages(db, { budgets, context, unit: payment.budgetUnit, now: options.now })
      const refusal = refuse(payment, held, Rules.matching(rules, context, payment.budgetUnit), usages)
      if (refusal) return decline(refusal.reason, refusal.clause, toPrice(payment), refusal.decidedBy)

      // A second payment for one host request is the human's to make, once: it never creates a lease or rule.
      const option = row.round > 1 ? 'once' : (response.option ?? 'once')
      const leaseId = option === 'once' || 'share' in option ? undefined : grant(db, option, payment, held, context, now)
      Budgets.reserve(db, { context, unit: payment.budgetUnit, amount: held, now: options.now, usages })
      const fields = { ...toDetails(payment, bound), ...feeFields(bound), decision: 'approved' as const, decidedBy: 'human', decidedAt: now, leaseId }
      Payments.transition(db, paymentId, { from: ['requested'], to: 'approved', now, fields })
      if (payment.subscription) Subscriptions.add(db, { ...terms(payment, payment.subscription), paymentId, upstream: context.upstream, createdAt: now })
      return { kind: 'approved', paymentId, challenge: candidate.challenge, payment, decidedBy: 'human' }
    })
    .immediate()
}

export declare namespace answer {
  /**
   * What the human may create along with approving: nothing, a lease, or an auto-approve rule
   * (payments); a share of the wallet's address with the server (identity proofs).
   */
  type Option =
    | 'once'
    | { lease: { minutes: number; limit: bigint; scope?: 'server' | 'target' } }
    | { rule: { perCallLimit: bigint; scope?: 'server' | 'target' } }
    | { share: true }
  type Response =
    | { approve: true; option?: Option; challengeId?: string }
    | { approve: false; reason?: 'declined_by_user' | 'timeout' | 'cancelled' }
  type Options = decide.Options & {
    /** The `ask` decision's alternatives (the raw challenges live only in memory). */
    alternatives: readonly Challenge.Candidate[]
  }
}

/**
 * Writes the lease or rule a human created while approving. A lease is charged the approving
 * payment (users read "up to $0.05" as everything spent under that approval); its id is returned
 * so the payment row names it and a failure refunds it.
 */
function grant(db: Database, option: Exclude<answer.Option, 'once' | { share: true }>, payment: Challenge.Payment, held: bigint, context: Scope.Context, now: number): number | undefined {
  const scopeOf = (scope: 'server' | 'target' | undefined): Scope.Scope =>
    scope === 'target' ? { upstream: context.upstream, operation: context.operation, target: context.target } : { upstream: context.upstream }
  if ('lease' in option) {
    const { minutes, limit, scope = 'server' } = option.lease
    if (!Number.isFinite(minutes) || minutes <= 0 || minutes > 7 * 24 * 60) throw new Error('A lease lasts from 1 minute to 7 days.')
    if (held > limit) {
      const price = toPrice(payment)
      throw new Error(`A lease up to ${Message.inUnit(limit, price)} cannot cover this payment of ${Message.inUnit(held, price)}.`)
    }
    const expiresAt = now + Math.round(minutes * 60_000)
    return Leases.add(db, { scope: scopeOf(scope), unit: payment.budgetUnit, amount: limit, spent: held, expiresAt, now }).id
  }
  const { perCallLimit, scope = 'target' } = option.rule
  // The human saw the recipient on the card: the rule trusts that one, and a new one still asks.
  Rules.add(db, { kind: 'auto_approve', scope: scopeOf(scope), recipient: payment.recipient ?? null, unit: payment.budgetUnit, amount: perCallLimit, now })
  return undefined
}

/**
 * Hard limits (on the price), then budgets (on what the payment holds: the price and its fee's
 * bound): what declines a payment no matter who approves it.
 */
function refuse(payment: Challenge.Payment, held: bigint, rules: readonly Rules.Rule[], usages: readonly Budgets.Usage[]) {
  const price = toPrice(payment)
  const limit = rules.find((rule) => rule.kind === 'limit' && payment.budgetAmount > rule.amount)
  if (limit) return { reason: 'over_limit' as const, clause: Message.overLimit(limit.amount, price, limit), decidedBy: `rule:${limit.id}` }
  const over = Budgets.exceeded(usages, held)
  if (!over) return undefined
  return { reason: 'budget_exceeded' as const, clause: Message.budgetExceeded(over.budget, over.remaining, price), decidedBy: `budget:${over.budget.id}` }
}

function automatic(db: Database, parameters: automatic.Parameters): { decidedBy: string; leaseId?: number } | { ask: AskReason[] } {
  const { payment, held, context, argumentsHash, now, settings, rules, known } = parameters
  const ask: AskReason[] = []
  const { count, seconds } = settings.loopBreaker
  if (Payments.recentApprovals(db, { ...context, argumentsHash, since: now - seconds * 1000 }) >= count) ask.push('loop')
  if (!known) ask.push('new_server')
  // Whatever covers the server, a recipient is the human's to trust, unless a rule names it.
  const recipients = [payment.recipient, ...payment.splits.map((split) => split.recipient)].filter((r): r is string => !!r)
  const unknown = (recipient: string) => !Rules.namesRecipient(rules, recipient) && !Payments.seenRecipient(db, context.upstream, recipient)
  if (recipients.some(unknown)) ask.push('new_recipient')
  if (ask.length) return { ask }
  const lease = Leases.consume(db, { context, unit: payment.budgetUnit, amount: held, now })
  if (lease) return { decidedBy: `lease:${lease.id}`, leaseId: lease.id }
  const rule = rules.find((rule) => rule.kind === 'auto_approve')
  if (!rule) return { ask: ['no_rule'] }
  return payment.budgetAmount > rule.amount ? { ask: ['above_auto_approve'] } : { decidedBy: `rule:${rule.id}` }
}

declare namespace automatic {
  type Parameters = {
    payment: Challenge.Payment
    /** What the payment holds against budgets and leases: its price and its fee's bound. */
    held: bigint
    context: Scope.Context
    argumentsHash: string
    now: number
    settings: Settings.Settings
    /** The rules covering the payment, narrowest first. */
    rules: readonly Rules.Rule[]
    /** Whether the server needs no first-time approval (KnownServer.ts). */
    known: boolean
  }
}

/**
 * Validated alternatives the companion will consider, in the server's order. Beyond validation,
 * a challenge whose declared decimals contradict the registry is refused (a lying or broken
 * server), and alternatives no wallet can pay are skipped.
 */
function acceptable(challenges: unknown, options: decide.Options) {
  const { accepted, rejected } = Challenge.select(challenges, options)
  const candidates: Challenge.Candidate[] = []
  for (const candidate of accepted) {
    const { payment, index } = candidate
    if (payment.flags.includes('declared_decimals_mismatch')) {
      const message = `The server misstated the decimals of ${payment.currency.symbol}, which has ${payment.currency.decimals}.`
      rejected.push({ index, reason: 'invalid_challenge', message })
    } else if (options.payable && !options.payable(payment)) {
      const { symbol } = payment.currency
      const what = Methods.get(payment.method).paysWith === 'card' ? `${symbol} by card` : Methods.describe({ method: payment.method, symbol, chainId: payment.chainId, scheme: payment.scheme })
      const message = `Allowance has no wallet or card set up to pay in ${what}.`
      rejected.push({ index, reason: 'unsupported_method', message })
    } else candidates.push(candidate)
  }
  return { candidates, rejection: Challenge.mostRelevant(rejected) }
}

function checkRequest(request: decide.Request): Scope.Context {
  if (typeof request !== 'object' || request === null) throw new TypeError('A payment request must be an object.')
  const { host, upstream, operation, target } = request
  const string = (value: unknown, name: string, max: number) => {
    if (typeof value !== 'string' || value.length === 0 || value.length > max) {
      throw new TypeError(`A payment request needs a ${name} of 1 to ${max} characters.`)
    }
    return value
  }
  if (!Scope.isOperation(operation)) throw new TypeError(`Unknown operation ${JSON.stringify(operation)}.`)
  return {
    host: typeof host === 'string' && host.length > 0 ? string(host, 'host', 200) : 'unknown host',
    upstream: string(upstream, 'upstream', 4096),
    operation,
    target: string(target, 'target', 4096),
  }
}

/** The protocol of the first alternative offered (x402 offers come as method `x402`). */
function protocolOf(challenges: unknown): Payments.Protocol {
  const first = Array.isArray(challenges) ? (challenges[0] as { method?: unknown } | undefined) : undefined
  const method = typeof first === 'object' && first !== null && typeof first.method === 'string' ? Methods.find(first.method) : undefined
  return method?.protocol ?? 'mpp'
}

function readableId(challenges: unknown): string | null {
  const first = Array.isArray(challenges) ? (challenges[0] as { id?: unknown } | undefined) : undefined
  const id = typeof first === 'object' && first !== null ? first.id : undefined
  return typeof id === 'string' && id.length > 0 && id.length <= 1024 ? id : null
}

/** The fee columns a human's approval records (a decision by rule records them with the row). */
function feeFields(bound: FeeBound | undefined): Payments.transition.Fields {
  if (!bound) return {}
  const { fee } = bound
  return { feeAtomic: fee.amountAtomic, feeCurrency: fee.currency, feeSymbol: fee.symbol, feeDecimals: fee.decimals, feeEstimated: fee.estimated ? 1 : 0 }
}

function toDetails(payment: Challenge.Payment, bound?: FeeBound | undefined): Payments.Details {
  return {
    kind: payment.kind,
    realm: payment.realm,
    challengeId: payment.challengeId,
    method: payment.method,
    protocol: payment.protocol,
    intent: payment.intent,
    scheme: payment.scheme ?? null,
    amountAtomic: payment.amount,
    currency: payment.currency.key,
    decimals: payment.currency.decimals,
    symbol: payment.currency.symbol,
    recipient: payment.recipient ?? null,
    chainId: payment.chainId ?? null,
    budgetUnit: payment.budgetUnit,
    budgetAmount: SessionPlan.held(payment) + (bound?.budgetAmount ?? 0n),
    flags: payment.flags,
    description: payment.description ?? null,
  }
}

/** The terms the human approved, as the ledger keeps them. */
function terms(payment: Challenge.Payment, subscription: NonNullable<Challenge.Payment['subscription']>) {
  const { periodCount, periodUnit, periodSeconds, expires, accessKey } = subscription
  return { recipient: payment.recipient ?? '', currency: payment.currency.key, amountAtomic: payment.amount, periodCount, periodUnit, periodSeconds, expiresAt: expires.getTime(), accessKey }
}

function toPrice(payment: Challenge.Payment): Message.Price {
  return Message.priceOf(toDetails(payment))
}
