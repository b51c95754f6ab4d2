import * as Evm from './evm/Evm.js'
import type * as Method from './Method.js'
import * as Stripe from './stripe/Stripe.js'
import * as Tempo from './tempo/Tempo.js'
import * as X402 from './x402/X402.js'

/**
 * Every payment method Allowance pays with, in the default order of preference. Adding one is a
 * folder beside these implementing Method.ts, and one entry here.
 */
export const all = [Evm.method, Tempo.method, Stripe.method, X402.method] as const

/** A method's name, as challenges, the ledger, rules and settings spell it. */
export type Name = (typeof all)[number]['name']

/** The names of {@link all}, in its order. */
export const names = all.map((method) => method.name) as unknown as readonly [Name, ...Name[]]

/**
 * The method a challenge or a ledger row names, if Allowance pays with it.
 *
 * @example
 * ```ts
 * import * as Methods from './Methods.js'
 *
 * Methods.find('evm')?.paysWith // 'wallet'
 * Methods.find('lightning') // undefined: Allowance does not pay with it
 * ```
 */
export function find(name: string): Method.Method<Name> | undefined {
  return all.find((method) => method.name === name)
}

/** The method of a validated payment. */
export function get(name: Name): Method.Method<Name> {
  return find(name)!
}

/**
 * What pays for a payment (or ledger row) by the named method: "USDC on Base Sepolia", "Card ending 4242".
 *
 * @example
 * ```ts
 * import * as Methods from './Methods.js'
 *
 * Methods.describe({ method: 'evm', symbol: 'USDC', chainId: 84532 }) // 'USDC on Base Sepolia'
 * Methods.describe({ method: 'stripe', symbol: 'USD' }, { last4: '4242' }) // 'Card ending 4242'
 * ```
 */
export function describe(payment: describe.Payment, card?: Method.describe.Card): string {
  return find(payment.method)?.describe(payment, card) ?? payment.symbol
}

export declare namespace describe {
  type Payment = Method.describe.Payment & { method: string }
}
