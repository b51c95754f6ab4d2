import * as Budgets from './Budgets.js'
import type { Database } from './Database.js'
import * as Leases from './Leases.js'
import type * as Payments from './Payments.js'

/**
 * Frees what an approved payment held, once it is known no money moved (it failed, or was never
 * signed): its share of every budget and of the lease it was charged to. Call in the same
 * transaction that moves the row out of a reserving state.
 */
export function release(db: Database, row: Payments.Row): void {
  if (!row.details || row.decidedAt === null) return
  const { budgetUnit: unit, budgetAmount: amount } = row.details
  Budgets.release(db, { context: row, unit, amount, decidedAt: row.decidedAt })
  Leases.refund(db, row.leaseId, amount)
}
