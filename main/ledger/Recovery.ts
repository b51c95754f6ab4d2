import { type Database, statement } from './Database.js'
import * as Payments from './Payments.js'
import * as Reservation from './Reservation.js'

/**
 * Resolves rows a crash left in flight; run once at companion startup, before serving bridges.
 * - requested (a human never answered) → declined `companion_restarted`;
 * - approved but never signed (no credential left the companion) → declined, reservation released;
 * - signed (a credential may have been used) → sent, reservation kept: the settlement checks
 *   find out from the chain (or Stripe) whether money moved.
 * Nothing is deleted.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import { recover } from './Recovery.js'
 *
 * const db = Database.open(':memory:')
 * const { declined, sent } = recover(db, Date.now())
 * // declined: ids nobody answered or never signed; sent: ids whose credential may have been used, for the settlement checks
 * ```
 */
export function recover(db: Database, now: number): recover.ReturnType {
  return db
    .transaction(() => {
      const stuck = statement(db, `SELECT id FROM payments WHERE ${Payments.stateIn(inFlight)} ORDER BY id`).pluck().all() as number[]
      const result = { declined: [] as number[], sent: [] as number[] }
      for (const id of stuck) {
        const row = Payments.get(db, id)!
        if (row.state === 'sent' || row.state === 'accepted') continue
        if (row.state === 'signed') {
          const error = 'The companion restarted before the payment outcome was reported.'
          Payments.transition(db, id, { from: ['signed'], to: 'sent', now, fields: { error } })
          result.sent.push(id)
          continue
        }
        const fields = row.state === 'requested' ? { decision: 'declined' as const, decidedBy: 'policy', decidedAt: now } : {}
        Payments.transition(db, id, { from: [row.state], to: 'declined', now, fields: { ...fields, declineReason: 'companion_restarted' } })
        if (row.state === 'approved') Reservation.release(db, row)
        result.declined.push(id)
      }
      return result
    })
    .immediate()
}

/** The states a crash can leave a row in: the condition of the `payments_in_flight` index. */
const inFlight: readonly Payments.State[] = ['requested', 'approved', 'signed', 'sent', 'accepted']

export declare namespace recover {
  type ReturnType = { declined: number[]; sent: number[] }
}
