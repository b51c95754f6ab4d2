import type * as TokenRegistry from './TokenRegistry.js'
import type { Protocol } from './methods/Method.js'

/**
 * A payment as the companion validated it from a challenge (see Challenge.ts): what it shows,
 * budgets and signs. Amount, symbol and decimals come from the companion's token registry.
 */

/**
 * - `no_expiry`: the challenge has no `expires`, so nothing bounds how long it stays payable.
 * - `declared_decimals_mismatch`: the server declared decimals that differ from the registry's.
 * - `testnet`: the currency is a testnet token.
 */
export type Flag = 'no_expiry' | 'declared_decimals_mismatch' | 'testnet'

export type Split = { amount: bigint; recipient: string }

/**
 * An x402 scheme Allowance pays: `exact` (the amount, by an EIP-3009 authorization) or `upto`
 * (at most the amount, by a Permit2 permit; the server settles what it used).
 */
export type Scheme = 'exact' | 'upto'

/** `charge`: a one-time payment (or a proof); `session`: a call paid inside a payment channel (tempo); `subscription`: a fixed amount per period. */
export type Intent = 'charge' | 'session' | 'subscription'

/**
 * A `session` payment's terms. The channel's deposit sits in `escrow`; each call adds its `price`
 * to a cumulative voucher. Until the companion plans it, `step` is absent.
 */
export type Session = {
  /** The escrow contract holding the channel: one the companion trusts for the chain. */
  escrow: string
  /** What the server suggests depositing, in atomic units. */
  suggestedDeposit?: bigint | undefined
  /** The call's price in atomic units: what its voucher adds to the channel. */
  price: bigint
  step?: Step | undefined
}

/**
 * What paying one call does to its channel: open it with a deposit (the first voucher rides along),
 * sign the next cumulative voucher, or top the deposit up first because the voucher would exceed it.
 */
export type Step =
  | { action: 'open'; deposit: bigint }
  | { action: 'voucher'; channelId: string; cumulative: bigint }
  | { action: 'topUp'; channelId: string; additional: bigint; cumulative: bigint }

/**
 * What a challenge asks of the wallet: `payment`, or `proof`, a zero-amount charge answered with a
 * signature over the challenge that reveals the wallet's address and moves no money (tempo only in
 * mppx 0.11); or `subscription`, a fixed amount per period until cancelled or expired, which the
 * wallet authorizes once and the server then charges each period. A proof or a subscription is
 * approved for what it is: never by a payment rule or lease.
 */
export type Kind = 'payment' | 'proof' | 'subscription'

/** A subscription's terms as the wallet would authorize them: `amount` every period, until `expires`. */
export type Subscription = {
  /** "30 days", "1 week": the period as the server stated it. */
  periodCount: number
  periodUnit: 'day' | 'week' | 'dev_second'
  periodSeconds: number
  /** When the authorization ends: no charge after it. */
  expires: Date
  /** The server's access key that the wallet authorizes to charge each period. */
  accessKey: string
}

export type Payment = {
  kind: Kind
  challengeId: string
  realm: string
  method: TokenRegistry.Method
  /** The protocol the server asked in: `mpp` or `x402`. */
  protocol: Protocol
  intent: Intent
  /** `session` only: the channel terms, and once planned, what paying does to the channel. */
  session?: Session | undefined
  /** A subscription's terms: `amount` is charged now and then once per period. */
  subscription?: Subscription | undefined
  /** x402 only: `exact`, or `upto`, whose amount is a ceiling (the server settles at most that). */
  scheme?: Scheme | undefined
  /** Atomic units of `currency` (for `upto`, the most the server may settle). */
  amount: bigint
  currency: TokenRegistry.Entry
  /** Who is paid: an address, or for `stripe` the seller's Stripe profile (`networkId`). */
  recipient?: string | undefined
  chainId?: number | undefined
  /** Tempo splits; the primary recipient gets `amount − Σ splits`. */
  splits: readonly Split[]
  expires?: Date | undefined
  /** Server-supplied display text. Untrusted: show it as the server's words, never rely on it. */
  description?: string | undefined
  flags: readonly Flag[]
  /** `usd` (micro-USD) for USD-pegged currencies, else the currency key (atomic units). */
  budgetUnit: string
  budgetAmount: bigint
}
