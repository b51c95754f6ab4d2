import * as Budgets from './Budgets.js'
import type { Database } from './Database.js'
import * as Leases from './Leases.js'
import * as Payments from './Payments.js'

/**
 * What an approved payment holds against its budgets and the lease it was charged to, kept in step
 * with its row: released when it is known no money moved, and changed to what a settlement check
 * found (the amount that moved plus the fee paid). Call in the same transaction that changes the row.
 */

/** Frees everything the payment held. */
export function release(db: Database, row: Payments.Row): void {
  if (row.details) change(db, row, -row.details.budgetAmount)
}

/** Makes the payment hold `held` (in its budget unit) instead of what it held, row included. */
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
