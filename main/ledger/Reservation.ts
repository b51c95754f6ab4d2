import * as Budgets from './Budgets.js'
import type { Database } from './Database.js'
import * as Leases from './Leases.js'
import * as Payments from './Payments.js'

/**
 * What an approved payment holds against its budgets and the lease it was charged to, kept in step
 * with its row: released when it is known no money moved, and changed to what a settlement check
 * found (the amount that moved plus the fee paid). Call in the same transaction that changes the row.
 */

/**
 * Frees everything the payment held.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 * import * as Reservation from './Reservation.js'
 *
 * const db = Database.open(':memory:')
 * const release = (id: number) => {
 *   const row = Payments.get(db, id)
 *   if (row && Payments.transition(db, id, { from: ['sent'], to: 'failed', now: Date.now() })) Reservation.release(db, row)
 * }
 * Database.immediate(db, release)(12) // a check proved nothing moved: budgets and the lease get it back
 * ```
 */
export function release(db: Database, row: Payments.Row): void {
  if (row.details) change(db, row, -row.details.budgetAmount)
}

/**
 * Makes the payment hold `held` (in its budget unit) instead of what it held, row included.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 * import * as Reservation from './Reservation.js'
 *
 * const db = Database.open(':memory:')
 * const row = Payments.get(db, 12)
 * // The seller captured $0.20 of the $0.25 approved: the payment now holds $0.20.
 * if (row) Database.immediate(db, Reservation.hold)(db, row, 200_000n, Date.now())
 * ```
 */
export function hold(db: Database, row: Payments.Row, held: bigint, now: number): void {
  if (!row.details) return
  Payments.transition(db, row.id, { from: [row.state], to: row.state, now, fields: { budgetAmount: held } })
  change(db, row, held - row.details.budgetAmount)
}

function change(db: Database, row: Payments.Row, by: bigint): void {
  if (!row.details || row.decidedAt === null || by === 0n) return
  Budgets.adjust(db, { context: row, unit: row.details.budgetUnit, by, decidedAt: row.decidedAt })
  Leases.charge(db, row.leaseId, by)
}
