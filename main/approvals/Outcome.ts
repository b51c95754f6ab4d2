import { type Database, immediate } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Reservation from '../ledger/Reservation.js'

/**
 * What happened after approval: the signer hands over the credential (`signed`), the bridge says
 * what the server answered (`accepted`, `sent`, or `failed` when the credential never left), and
 * the settlement checks say what the chain or Stripe shows (`confirmed`, `failed`, `unconfirmed`).
 * A payment holds its budget reservation until it is proven that nothing moved; a confirmed one
 * holds what moved, fee included. `error` texts must be descriptions, never a credential or a
 * server payload.
 */

export class OutcomeError extends Error {
  override name = 'OutcomeError'
}

/**
 * The credential was created and is about to be handed to the bridge: from now on money may move.
 * `evidence` is what the credential commits to that a check can find on chain (public parts only).
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Outcome from './Outcome.js'
 *
 * const db = Database.open(':memory:')
 * Outcome.signed(db, 12, { now: Date.now(), evidence: { from: '0xf39F…', nonce: '0x5c1a…' } })
 * // throws an OutcomeError ("Payment 12 is declined; it cannot become signed.") unless payment 12 was approved
 * ```
 */
export function signed(db: Database, paymentId: number, options: { now: number; evidence?: Record<string, unknown> | undefined }): void {
  const fields = options.evidence ? { evidence: JSON.stringify(options.evidence) } : {}
  move(db, paymentId, { from: ['approved'], to: 'signed', now: options.now, fields })
}

/**
 * The server answered with a receipt for the credential: accepted, to be confirmed on chain. Only its reference is kept.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Outcome from './Outcome.js'
 *
 * const db = Database.open(':memory:')
 * Outcome.accepted(db, 12, { reference: '0x9b1e…', now: Date.now() }) // the server's receipt; a check confirms it on chain
 * ```
 */
export function accepted(db: Database, paymentId: number, parameters: { reference?: unknown; now: number }): void {
  const { now } = parameters
  const reference = typeof parameters.reference === 'string' ? parameters.reference.slice(0, 200) : null
  move(db, paymentId, { from: ['signed'], to: 'accepted', now, fields: { receiptReference: reference, acceptedAt: now } })
}

/** The credential reached the server, which refused it or never answered: a check must show that nothing moved. */
export function sent(db: Database, paymentId: number, parameters: { error: string; now: number }): void {
  move(db, paymentId, { from: ['signed'], to: 'sent', now: parameters.now, fields: { error: parameters.error.slice(0, 500) } })
}

/**
 * Nothing moved, and nothing can any more: the credential never left the companion or its bridge,
 * or a check found it unused and no longer usable. Releases what the payment held.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Outcome from './Outcome.js'
 *
 * const db = Database.open(':memory:')
 * Outcome.fail(db, 12, { error: 'The bridge could not reach the server.', now: Date.now() }) // budgets and the lease get it back
 * ```
 */
export function fail(db: Database, paymentId: number, parameters: { error: string; now: number; from?: readonly Payments.State[] }): void {
  const { error, now, from = ['approved', 'signed', 'sent', 'accepted'] } = parameters
  immediate(db, failAndRelease)(db, paymentId, { from, to: 'failed', now, fields: { error: error.slice(0, 500) } })
}

/** Money may have moved and no check could say: the payment keeps its reservation and is shown with a warning. */
export function unconfirmed(db: Database, paymentId: number, parameters: { error: string; now: number }): void {
  const { error, now } = parameters
  move(db, paymentId, { from: ['approved', 'signed', 'sent', 'accepted'], to: 'unconfirmed', now, fields: { error: error.slice(0, 500) } })
}

/**
 * The chain (or Stripe) shows the payment: `transaction` moved `amount` (what was approved, or
 * what the seller actually captured) and the wallet paid `fee` on top. The row then holds exactly
 * that against its budgets and lease. A confirmed row is final.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Outcome from './Outcome.js'
 *
 * const db = Database.open(':memory:')
 * Outcome.confirm(db, 12, {
 *   transaction: '0x9b1e…', // where the settlement check found the transfer
 *   amount: 250_000n, // 0.25 USDC moved
 *   toBudget: (atomic) => atomic, // USDC's atomic unit is already a micro-dollar
 *   now: Date.now(),
 * })
 * ```
 */
export function confirm(db: Database, paymentId: number, parameters: confirm.Parameters): void {
  immediate(db, confirmAndHold)(db, paymentId, parameters)
}

export declare namespace confirm {
  type Parameters = {
    transaction: string
    /** Atomic units of the payment's currency that moved. */
    amount: bigint
    /** The network fee the wallet paid, and what it counts in the payment's budget unit. */
    fee?: { fee: Payments.Fee; budgetAmount: bigint } | undefined
    /** The payment's budget unit per atomic unit of its currency, for an amount other than the approved one. */
    toBudget: (amount: bigint) => bigint
    /** Set when the chain contradicts what the server said (it refused the credential, yet took the money). */
    error?: string | undefined
    now: number
  }
}

function confirmAndHold(db: Database, paymentId: number, parameters: confirm.Parameters): void {
  const { transaction, amount, fee, toBudget, error, now } = parameters
  const row = Payments.get(db, paymentId)
  const from: Payments.State[] = ['signed', 'sent', 'accepted', 'unconfirmed']
  if (!row?.details || !from.includes(row.state)) throw refusal(row, paymentId, { from, to: 'confirmed', now })
  const feeColumns = fee
    ? { feeAtomic: fee.fee.amountAtomic, feeCurrency: fee.fee.currency, feeSymbol: fee.fee.symbol, feeDecimals: fee.fee.decimals, feeEstimated: 0 }
    : { feeEstimated: 0 }
  const fields: Payments.transition.Fields = { transactionReference: transaction.slice(0, 200), settledAmountAtomic: amount, confirmedAt: now, ...feeColumns }
  if (error !== undefined) fields.error = error.slice(0, 500)
  // A fee bound that was never paid (no fee on this transaction) no longer counts.
  if (!fee && row.fee) Object.assign(fields, { feeAtomic: 0n })
  Payments.transition(db, paymentId, { from, to: 'confirmed', now, fields })
  Reservation.hold(db, { ...row, state: 'confirmed' }, toBudget(amount) + (fee?.budgetAmount ?? 0n), now)
}

/** One UPDATE, atomic on its own; the row is read only to say why it cannot move. */
function move(db: Database, paymentId: number, change: Payments.transition.Change): void {
  if (!Payments.transition(db, paymentId, change)) throw refusal(Payments.get(db, paymentId), paymentId, change)
}

/** Moves the row to `failed` and gives back what it held, in one transaction. */
function failAndRelease(db: Database, paymentId: number, change: Payments.transition.Change): void {
  const row = Payments.get(db, paymentId)
  if (!row || !Payments.transition(db, paymentId, change)) throw refusal(row, paymentId, change)
  Reservation.release(db, row)
}

function refusal(row: Payments.Row | undefined, paymentId: number, change: Payments.transition.Change): OutcomeError {
  return new OutcomeError(row ? `Payment ${paymentId} is ${row.state}; it cannot become ${change.to}.` : `There is no payment ${paymentId}.`)
}
