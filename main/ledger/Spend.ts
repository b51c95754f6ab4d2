import { type Database, statement } from './Database.js'
import * as Payments from './Payments.js'

/**
 * What payments spent: the exact sums (BigInt, from the ledger's integer strings) of the rows in a
 * reserving state (money moved or may have moved: everything but requested, declined and failed),
 * fees included, per budget unit, over the rows a history filter selects.
 */

/** The spend of the rows `filters` selects, per budget unit (sorted). */
export function totals(db: Database, filters: Filters): Map<string, bigint> {
  const selected = spending(filters)
  if (!selected) return new Map()
  const rows = statement(db, `SELECT budget_unit AS unit, bigsum(budget_amount) AS total FROM payments ${selected.sql}
      GROUP BY budget_unit ORDER BY budget_unit`).all(selected.values) as { unit: string; total: string }[]
  return new Map(rows.map(({ unit, total }) => [unit, BigInt(total)]))
}

export type Day = {
  /** The local calendar day (the companion's time zone, as budgets count days): `2026-03-04`. */
  day: string
  upstream: string
  unit: string
  total: bigint
}

/** The spend of the rows `filters` selects, per local day of their creation, upstream and budget unit; oldest first. */
export function daily(db: Database, filters: Filters): Day[] {
  const selected = spending(filters)
  if (!selected) return []
  const rows = statement(db, `SELECT date(created_at / 1000, 'unixepoch', 'localtime') AS day, upstream, budget_unit AS unit,
        bigsum(budget_amount) AS total FROM payments ${selected.sql}
      GROUP BY day, upstream, budget_unit ORDER BY day, upstream, budget_unit`).all(selected.values) as (Omit<Day, 'total'> & { total: string })[]
  return rows.map((row) => ({ ...row, total: BigInt(row.total) }))
}

export type Filters = Omit<Payments.list.Filters, 'limit'>

/** The filter narrowed to reserving rows; undefined when the filter's states hold none. */
function spending(filters: Filters): ReturnType<typeof Payments.where> | undefined {
  const states = (filters.states ?? Payments.reserving).filter((state) => Payments.reserving.includes(state))
  return states.length ? Payments.where({ ...filters, states }) : undefined
}
