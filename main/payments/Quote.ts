import * as Amount from './Amount.js'
import type { Payment } from './Payment.js'
import * as TokenRegistry from './TokenRegistry.js'

/**
 * A price known before a call (advertised by a server, or asked by its last challenge): advisory,
 * never what is paid. Amount, symbol and decimals come from the companion's registry when it knows
 * the currency; a quote in a currency it does not know keeps the server's spelling and no symbol,
 * and is never shown as if it were in units.
 */
export type Quote = {
  method: string | null
  intent: string | null
  /** Atomic units; null when the server sets the price per call. */
  amountAtomic: bigint | null
  /** The registry's key for the currency when it knows it, else the server's spelling. */
  currency: string
  symbol: string | null
  decimals: number | null
  budgetUnit: string | null
  budgetAmount: bigint | null
}

/**
 * The quote a validated payment makes: what the server's challenge just asked.
 *
 * @example
 * ```ts
 * import * as Challenge from './Challenge.js'
 * import * as Quote from './Quote.js'
 * import * as TokenRegistry from './TokenRegistry.js'
 *
 * declare const challenge: unknown // a server's challenge, as received
 * const result = Challenge.validate(challenge, { now: new Date(), registry: TokenRegistry.create() })
 * if (result.ok) Quote.describe(Quote.ofPayment(result.payment)) // '0.01 USDC'
 * ```
 */
export function ofPayment(payment: Payment): Quote {
  return {
    method: payment.method,
    intent: payment.intent,
    amountAtomic: payment.amount,
    currency: payment.currency.key,
    symbol: payment.currency.symbol,
    decimals: payment.currency.decimals,
    budgetUnit: payment.budgetUnit,
    budgetAmount: payment.budgetAmount,
  }
}

/** A quote of `amount` (null: set per call) in a registry entry's currency. */
export function inCurrency(entry: TokenRegistry.Entry, amount: bigint | null, parameters: { method: string | null; intent: string | null }): Quote {
  const budgetUnit = TokenRegistry.budgetUnit(entry)
  return {
    ...parameters,
    amountAtomic: amount,
    currency: entry.key,
    symbol: entry.symbol,
    decimals: entry.decimals,
    budgetUnit,
    budgetAmount: amount === null ? null : Amount.toBudget(amount, entry.decimals, budgetUnit),
  }
}

/**
 * The quote in words: "0.01 USDC", "set per call", or for a currency the registry does not know
 * "10000 atomic units of 0x…".
 *
 * @example
 * ```ts
 * import * as Quote from './Quote.js'
 *
 * Quote.describe({ method: 'evm', intent: 'charge', amountAtomic: 10_000n, currency: '8453:0x…', symbol: 'USDC', decimals: 6, budgetUnit: 'usd', budgetAmount: 10_000n }) // '0.01 USDC'
 * ```
 */
export function describe(quote: Pick<Quote, 'amountAtomic' | 'currency' | 'symbol' | 'decimals'>): string {
  if (quote.amountAtomic === null) return 'set per call'
  if (quote.symbol === null || quote.decimals === null) return `${quote.amountAtomic} atomic units of ${quote.currency.slice(0, 66)} (a currency Allowance does not know)`
  return Amount.formatWithSymbol(quote.amountAtomic, { symbol: quote.symbol, decimals: quote.decimals })
}

/** Whether the quote can be shown and compared in units: a fixed amount in a currency the registry knows. */
export function priced(quote: Quote): quote is Quote & { amountAtomic: bigint; symbol: string; decimals: number; budgetUnit: string; budgetAmount: bigint } {
  return quote.amountAtomic !== null && quote.symbol !== null && quote.decimals !== null && quote.budgetUnit !== null && quote.budgetAmount !== null
}
