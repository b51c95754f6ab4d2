import { type Database, immediate } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Reservation from '../ledger/Reservation.js'

/**
 * What happened after approval, as the signer and the bridge report it. A settled or unconfirmed
 * payment keeps its budget reservation; a failed one (no money moved) releases it, including its
 * share of a lease.
 */

export class OutcomeError extends Error {
  override name = 'OutcomeError'
}

/** The credential was created and handed to the bridge: from now on money may move. */
export function signed(db: Database, paymentId: number, options: { now: number }): void {
  move(db, paymentId, { from: ['approved'], to: 'signed', now: options.now })
}

/** The server answered with a receipt. Only its reference (tx hash, `pi_…`) is kept. */
export function settle(db: Database, paymentId: number, parameters: settle.Parameters): void {
  const { receipt, now } = parameters
  const reference = typeof receipt.reference === 'string' ? receipt.reference.slice(0, 200) : null
  move(db, paymentId, { from: ['approved', 'signed', 'unconfirmed'], to: 'settled', now, fields: { receiptReference: reference, settledAt: now } })
}

export declare namespace settle {
  type Parameters = { receipt: { reference?: unknown }; now: number }
}

/**
 * The paid call failed. With `moneyMayHaveMoved` (the credential reached the server but no receipt
 * came back) the row becomes unconfirmed and keeps its reservation; otherwise it fails and releases.
 * `error` must be a description, never a credential or server payload.
 */
export function fail(db: Database, paymentId: number, parameters: fail.Parameters): void {
  const { error, moneyMayHaveMoved, now } = parameters
  const fields = { error: error.slice(0, 500) }
  if (moneyMayHaveMoved) return move(db, paymentId, { from: ['approved', 'signed'], to: 'unconfirmed', now, fields })
  immediate(db, failAndRelease)(db, paymentId, { from: ['approved', 'signed'], to: 'failed', now, fields })
}

export declare namespace fail {
  type Parameters = { error: string; moneyMayHaveMoved: boolean; now: number }
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
