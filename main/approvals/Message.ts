import type * as Payments from '../ledger/Payments.js'
import * as Period from '../ledger/Period.js'
import * as Scope from '../ledger/Scope.js'
import * as Amount from '../payments/Amount.js'
import type { DeclineReason } from './Decision.js'

/**
 * The sentences an agent relays when a payment is not made. Amounts come from BigInt atomic units
 * and the companion's registry (symbol, decimals), never from the server's text.
 */

/** A payment's price as the ledger knows it; an identity proof (`kind: 'proof'`) has none to speak of. */
export type Price = { amount: bigint; decimals: number; symbol: string; budgetUnit: string; kind?: Payments.Kind | undefined }

/** The price of a payment as its ledger row records it. */
export function priceOf(details: { amountAtomic: bigint; decimals: number; symbol: string; budgetUnit: string; kind?: Payments.Kind | undefined }): Price {
  return { amount: details.amountAtomic, decimals: details.decimals, symbol: details.symbol, budgetUnit: details.budgetUnit, kind: details.kind }
}

/**
 * "Payment of 0.05 USDC to tools.example.com for `search`"
 *
 * @example
 * ```ts
 * import * as Message from './Message.js'
 *
 * const context = { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' } as const
 * const price = Message.priceOf({ amountAtomic: 50_000n, decimals: 6, symbol: 'USDC', budgetUnit: 'usd' })
 * Message.subject(context, price) // 'Payment of 0.05 USDC to tools.example.com for `search`'
 * Message.declined(context, price, Message.clause('paused'))
 * // 'Payment of 0.05 USDC to tools.example.com for `search` was declined: payments are paused in Allowance.'
 * ```
 */
export function subject(context: Scope.Context, price?: Price | undefined): string {
  if (price?.kind === 'proof') return `Showing the wallet's address to ${Scope.upstreamLabel(context.upstream)} for ${target(context)}`
  if (price?.kind === 'subscription') return `Subscription of ${Amount.formatWithSymbol(price.amount, price)} a period to ${Scope.upstreamLabel(context.upstream)} for ${target(context)}`
  const what = price ? `Payment of ${Amount.formatWithSymbol(price.amount, price)}` : 'Payment'
  return `${what} to ${Scope.upstreamLabel(context.upstream)} for ${target(context)}`
}

/** "`search`", "resource `file:///a`", "prompt `summary`" */
export function target(context: Pick<Scope.Context, 'operation' | 'target'>): string {
  const name = context.target.length > 80 ? `${context.target.slice(0, 79)}…` : context.target
  if (context.operation === 'resources/read') return `resource \`${name}\``
  if (context.operation === 'prompts/get') return `prompt \`${name}\``
  return `\`${name}\``
}

/** An amount in a budget unit: `$1.00` for `usd`, else in the payment's own currency. */
export function inUnit(amount: bigint, price: Price): string {
  return price.budgetUnit === 'usd' ? Amount.formatUsd(amount) : Amount.formatWithSymbol(amount, price)
}

export function declined(context: Scope.Context, price: Price | undefined, clause: string): string {
  return `${subject(context, price)} was declined: ${clause}.`
}

/** The clause for reasons that need no further detail. */
export function clause(reason: Exclude<DeclineReason, 'budget_exceeded' | 'over_limit'>, detail?: string): string {
  switch (reason) {
    case 'paused':
      return 'payments are paused in Allowance'
    case 'declined_by_user':
      return 'the user declined it'
    case 'timeout':
      return 'nobody approved it in time'
    case 'cancelled':
      return 'the request was cancelled before it was approved'
    case 'rechallenge':
      return 'the server refused a payment it had already been sent; Allowance did not pay again'
    case 'expired':
    case 'invalid_challenge':
    case 'unsupported_method':
      return asClause(detail ?? 'the server sent an unusable payment request')
  }
}

export function overLimit(limit: bigint, price: Price, scope: Scope.Scope): string {
  const where = scope.upstream ? ` for ${Scope.describe(scope)}` : ''
  return `it is above your limit of ${inUnit(limit, price)} per call${where}`
}

export function budgetExceeded(budget: { period: Period.Period; amount: bigint } & Scope.Scope, remaining: bigint, price: Price): string {
  const where = budget.upstream || budget.host ? ` for ${Scope.describe(budget)}` : ''
  return `${Period.possessive(budget.period)} budget${where} of ${inUnit(budget.amount, price)} has ${inUnit(remaining, price)} left`
}

/** "The challenge amount is zero." → "the challenge amount is zero" */
function asClause(sentence: string): string {
  return sentence.replace(/\.$/, '').replace(/^(The|Split) /, (word) => word.toLowerCase())
}
