import type { Decision } from '../approvals/Decision.js'
import type { Entry } from '../approvals/Queue.js'
import * as Units from '../payments/Units.js'
import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Prices from '../ledger/Prices.js'
import * as Scope from '../ledger/Scope.js'
import * as Amount from '../payments/Amount.js'
import * as Chains from '../payments/Chains.js'
import type * as Challenge from '../payments/Challenge.js'
import type * as Method from '../payments/methods/Method.js'
import * as Methods from '../payments/methods/Methods.js'
import * as Quote from '../payments/Quote.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import type { Approval, DecisionView, Option } from '../uiapi/Contract.js'
import * as SubscriptionViews from './SubscriptionViews.js'

/**
 * The approval card's view of a waiting payment, and of what became of it, as plain JSON (their
 * shapes are in uiapi/Contract.ts). Every amount is formatted here from BigInt atomic units and the
 * companion's token registry (never from a server's text), so the renderer does no money math
 * except turning the limits a user types into budget units.
 */

/** A waiting payment as the companion shows it now, with the card a `stripe` charge would be paid with. */
export function waiting(
  companion: { db: Database; registry: TokenRegistry.Registry; cardInfo(): Method.describe.Card | undefined },
  entry: Entry,
): Approval | undefined {
  return approval(companion.db, companion.registry, entry, new Date(), companion.cardInfo())
}

/** `card` is the card a `stripe` charge would be paid with, when one is set up. */
export function approval(db: Database, registry: TokenRegistry.Registry, entry: Entry, now: Date, card?: Method.describe.Card): Approval | undefined {
  const row = Payments.get(db, entry.paymentId)
  if (!row) return undefined
  const context: Scope.Context = { host: row.host, upstream: row.upstream, operation: row.operation, target: row.target }
  const alternatives = entry.options.alternatives.map((candidate) => candidate.payment)
  const payments = [entry.payment, ...alternatives.filter((payment) => payment.challengeId !== entry.payment.challengeId)]
  return {
    paymentId: entry.paymentId,
    ...context,
    payment: entry.payment,
    alternatives,
    server: Scope.upstreamLabel(row.upstream),
    realm: entry.payment.realm,
    realmDiffers: !sameSite(entry.payment.realm, row.upstream),
    argumentsPreview: row.argumentsPreview,
    queuedAt: entry.queuedAt,
    expiresAt: entry.expiresAt,
    viewedAt: now.getTime(),
    reasons: entry.options.reasons,
    options: payments.map((payment) => option(db, registry, context, payment, now, payment === entry.payment ? row.fee : null, card)),
    previousPrice: previousPrice(db, context, entry.payment),
    advertised: advertised(db, context, entry.payment),
    alreadySent: alreadySent(entry.options.prior?.details),
    rechallenges: Payments.rechallenges(db, row.upstream, now.getTime()),
    subscription: subscriptionTerms(entry.payment, now.getTime()),
  }
}

/** A subscription's period in words and its next three charges after the first (now), within its end. */
function subscriptionTerms(payment: Challenge.Payment, now: number): Approval['subscription'] {
  const terms = payment.subscription
  if (!terms) return null
  const expiresAt = terms.expires.getTime()
  const nextCharges = [1, 2, 3].map((n) => now + n * terms.periodSeconds * 1000).filter((at) => at < expiresAt)
  return { period: SubscriptionViews.periodWords(terms), nextCharges, expiresAt }
}

function alreadySent(details: Payments.Details | undefined): string | null {
  if (!details) return null
  return `${Amount.formatWithSymbol(details.amountAtomic, details)}${details.recipient ? ` to ${details.recipient}` : ''}`
}

function option(
  db: Database,
  registry: TokenRegistry.Registry,
  context: Scope.Context,
  payment: Challenge.Payment,
  now: Date,
  fee: Payments.Fee | null,
  card: Method.describe.Card | undefined,
): Option {
  const { currency, budgetUnit } = payment
  const money = (atomic: bigint) => Units.format(atomic, budgetUnit, registry)
  const feeBudget = fee && budgetUnit === 'usd' ? Amount.toMicroUsd(fee.amountAtomic, fee.decimals) : 0n
  const held = payment.budgetAmount + feeBudget
  const budgets = Budgets.matching(db, context, budgetUnit).map((budget) => {
    const { remaining } = Budgets.usage(db, budget, now)
    const after = remaining > held ? remaining - held : 0n
    return { id: budget.id, text: `${money(after)} of ${money(budget.amount)} left ${periodWord[budget.period]}`, scope: Scope.describe(budget) }
  })
  return {
    challengeId: payment.challengeId,
    method: payment.method,
    amount: Amount.formatWithSymbol(payment.amount, currency),
    upTo: payment.scheme === 'upto',
    escrow: escrowWords(payment),
    usd: currency.usdPegged ? Amount.formatUsd(Amount.toMicroUsd(payment.amount, currency.decimals)) : null,
    paysWith: Methods.describe({ method: payment.method, symbol: currency.symbol, chainId: payment.chainId, scheme: payment.scheme }, card),
    byWallet: Methods.get(payment.method).paysWith === 'wallet',
    recipient: payment.recipient ?? null,
    chainId: payment.chainId ?? null,
    chain: payment.chainId === undefined ? null : Chains.name(payment.chainId),
    testnet: currency.kind === 'token' && currency.testnet,
    description: payment.description ?? null,
    flags: payment.flags,
    budgetUnit: budgetUnit === 'usd' ? { key: 'usd', decimals: Amount.usdDecimals, symbol: '$' } : { key: budgetUnit, decimals: currency.decimals, symbol: currency.symbol },
    budgetAmount: payment.budgetAmount.toString(),
    fee: fee && fee.amountAtomic > 0n ? Amount.formatWithSymbol(fee.amountAtomic, fee) : null,
    budgets,
  }
}

/** What a session's deposit or top-up does with the money, for its card. */
function escrowWords(payment: Challenge.Payment): string | null {
  const step = payment.session?.step
  if (!step || step.action === 'voucher') return null
  const amount = Amount.formatWithSymbol(payment.amount, payment.currency)
  const what = step.action === 'open' ? `Locks up to ${amount} in escrow for this server` : `Adds ${amount} to this server's escrow, as the calls have used what it held`
  return `${what}; unused funds come back when the session closes.`
}

const periodWord = { day: 'today', week: 'this week', month: 'this month' } as const

/** The realm names the upstream's host (with or without its port), or the upstream is not a URL. */
function sameSite(realm: string, upstream: string): boolean {
  try {
    const url = new URL(upstream)
    return realm === url.host || realm === url.hostname
  } catch {
    return true
  }
}

/** The last confirmed price of the same call in the same budget unit, if this payment is higher. */
function previousPrice(db: Database, context: Scope.Context, payment: Challenge.Payment): string | null {
  const { upstream, operation, target } = context
  const [last] = Payments.list(db, { upstream, operation, target, states: ['confirmed'], limit: 1 })
  const details = last?.details
  if (!details || details.budgetUnit !== payment.budgetUnit || details.budgetAmount >= payment.budgetAmount) return null
  return Amount.formatWithSymbol(details.amountAtomic, details)
}

/**
 * What the server's discovery document advertises for this call, beside what its challenge asks:
 * `differs` when the challenge asks more, in the same currency, than the document said (a server
 * that advertises cheap and charges dear). The card shows the challenge's amount; this is a flag.
 */
function advertised(db: Database, context: Scope.Context, payment: Challenge.Payment): Approval['advertised'] {
  const price = Prices.get(db, { ...context, source: 'discovery' })
  if (!price) return null
  const comparable = price.amountAtomic !== null && price.currency === payment.currency.key
  return {
    price: Quote.describe(price),
    seenAt: price.seenAt,
    differs: comparable && payment.amount > price.amountAtomic!,
  }
}

/** A decision as the UI reads it: what became of the payment, and for a decline why, in a sentence. */
export function decision(decision: Decision): DecisionView {
  if (decision.kind === 'declined') return { kind: 'declined', paymentId: decision.paymentId, reason: decision.reason, message: decision.message }
  return { kind: decision.kind, paymentId: decision.paymentId }
}
