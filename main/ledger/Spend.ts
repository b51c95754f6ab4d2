import { type Database, statement } from './Database.js'
import * as Payments from './Payments.js'

/**
 * What payments spent: the exact sums (BigInt, from the ledger's integer strings) of the rows in a
 * reserving state (money moved or may have moved: everything but requested, declined and failed),
 * fees included, per budget unit, over the rows a history filter selects.
 */

/**
 * The spend of the rows `filters` selects, per budget unit (sorted).
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Spend from './Spend.js'
 *
 * const db = Database.open(':memory:')
 * const spent = Spend.totals(db, { upstream: 'https://tools.example.com/mcp' }) // Map { 'usd' => 1250000n }, say: $1.25
 * ```
 */
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

/**
 * The spend of the rows `filters` selects, per local day of their creation, upstream and budget unit; oldest first.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Spend from './Spend.js'
 *
 * const db = Database.open(':memory:')
 * const days = Spend.daily(db, { since: Date.now() - 14 * 86_400_000 }) // [{ day: '2026-03-04', upstream, unit: 'usd', total: 50000n }, …]
 * ```
 */
export function daily(db: Database, filters: Filters): Day[] {
  const selected = spending(filters)
  if (!selected) return []
  const rows = statement(db, `SELECT date(created_at / 1000, 'unixepoch', 'localtime') AS day, upstream, budget_unit AS unit,
        bigsum(budget_amount) AS total FROM payments ${selected.sql}
      GROUP BY day, upstream, budget_unit ORDER BY day, upstream, budget_unit`).all(selected.values) as (Omit<Day, 'total'> & { total: string })[]
  return rows.map((row) => ({ ...row, total: BigInt(row.total) }))
}

/** A time range `[start, end)` in epoch milliseconds. */
export type Range = { start: number; end: number }

export type Grouped = {
  /** The upstream or the host. */
  key: string
  unit: string
  /** What it spent in each of the ranges, in their order (0n where nothing). */
  totals: bigint[]
}

/**
 * The spend of the rows `filters` selects that were created in each of `ranges`, per upstream or
 * agent host (`by`) and budget unit, summed in SQLite in one pass; sorted by key and unit.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Period from './Period.js'
 * import * as Spend from './Spend.js'
 *
 * const db = Database.open(':memory:')
 * const now = new Date()
 * const byHost = Spend.grouped(db, {}, [Period.bounds('week', now), Period.bounds('month', now)], 'host')
 * // [{ key: 'Claude Code', unit: 'usd', totals: [this week's, this month's] }, …]
 * ```
 */
export function grouped(db: Database, filters: Filters, ranges: readonly Range[], by: 'upstream' | 'host'): Grouped[] {
  if (ranges.length === 0) return []
  const since = Math.max(filters.since ?? -Infinity, Math.min(...ranges.map((range) => range.start)))
  const until = Math.min(filters.until ?? Infinity, Math.max(...ranges.map((range) => range.end)))
  if (since >= until) return []
  const selected = spending({ ...filters, since, until })
  if (!selected) return []
  const sums = ranges.map((_, index) => `bigsum(CASE WHEN created_at >= @start${index} AND created_at < @end${index} THEN budget_amount END) AS total${index}`)
  const bounds = Object.fromEntries(ranges.flatMap((range, index) => [[`start${index}`, range.start], [`end${index}`, range.end]]))
  const column = by === 'host' ? 'host' : 'upstream'
  const rows = statement(db, `SELECT ${column} AS key, budget_unit AS unit, ${sums.join(', ')} FROM payments ${selected.sql}
      GROUP BY ${column}, budget_unit ORDER BY ${column}, budget_unit`).all({ ...selected.values, ...bounds }) as Record<string, string>[]
  return rows.map((row) => ({ key: row.key!, unit: row.unit!, totals: ranges.map((_, index) => BigInt(row[`total${index}`]!)) }))
}

export type Filters = Omit<Payments.list.Filters, 'limit'>

/** The filter narrowed to reserving rows; undefined when the filter's states hold none. */
function spending(filters: Filters): ReturnType<typeof Payments.where> | undefined {
  const states = (filters.states ?? Payments.reserving).filter((state) => Payments.reserving.includes(state))
  return states.length ? Payments.where({ ...filters, states }) : undefined
}
