import { type Database, statement } from './Database.js'
import * as Payments from './Payments.js'
import * as Period from './Period.js'
import * as Scope from './Scope.js'
import * as Units from '../payments/Units.js'

/**
 * Spending caps per day, week or month over a scope, in one unit. Every matching budget applies.
 * What a budget has used is what the payment rows of the period reserve (approved, signed, settled,
 * unconfirmed). It is kept as a running total per budget and period (`budget_usage`) so deciding
 * stays fast on a busy day; a budget's first total in a period is the sum of those rows, so a budget
 * created mid-day already counts today's payments.
 */
export type Budget = Scope.Normalized & {
  id: number
  createdAt: number
  period: Period.Period
  unit: string
  amount: bigint
  label: string | null
}

export function add(db: Database, parameters: add.Parameters): Budget {
  const { period, unit, amount, label = null, now } = parameters
  if (!Period.periods.includes(period)) throw new Error(`Unknown budget period ${JSON.stringify(period)}.`)
  const scope = Scope.normalize(parameters.scope)
  const id = statement(db, `INSERT INTO budgets (created_at, period, upstream, operation, target, host, unit, amount, label)
      VALUES (@now, @period, @upstream, @operation, @target, @host, @unit, @amount, @label)`)
    .run({ now, period, ...scope, unit: Units.check(unit), amount: Units.checkAmount(amount, 'A budget amount').toString(), label })
    .lastInsertRowid
  return get(db, Number(id))!
}

export declare namespace add {
  type Parameters = { period: Period.Period; scope: Scope.Scope; unit: string; amount: bigint; label?: string | null; now: number }
}

export function get(db: Database, id: number): Budget | undefined {
  const row = statement(db, 'SELECT * FROM budgets WHERE id = ? AND deleted_at IS NULL').get(id) as Sql | undefined
  return row && fromSql(row)
}

export function list(db: Database): Budget[] {
  return (statement(db, 'SELECT * FROM budgets WHERE deleted_at IS NULL ORDER BY id').all() as Sql[]).map(fromSql)
}

export function remove(db: Database, id: number, now: number): boolean {
  return statement(db, 'UPDATE budgets SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes === 1
}

/**
 * The budget for a period, unit and scope: adds it, replacing (removing) any with the same period,
 * unit and scope. What the old one used carries over, as usage is counted from the payment rows.
 *
 * @example
 * ```ts
 * import * as Budgets from './Budgets.js'
 * import * as Database from './Database.js'
 *
 * const db = Database.open(':memory:')
 * const upstream = 'https://tools.example.com/mcp'
 * Budgets.set(db, { period: 'day', scope: { upstream }, unit: 'usd', amount: 5_000_000n, now: Date.now() })
 * const { budget, replaced } = Budgets.set(db, { period: 'day', scope: { upstream }, unit: 'usd', amount: 10_000_000n, label: 'search', now: Date.now() })
 * replaced // [1]: the $5.00 a day budget gave way to $10.00
 * ```
 */
export function set(db: Database, parameters: add.Parameters): set.ReturnType {
  return db
    .transaction(() => {
      const same = alike(db, parameters)
      const budget = add(db, parameters)
      for (const other of same) replace(db, other.id, budget.id, parameters.now)
      return { budget, replaced: same.map((other) => other.id) }
    })
    .immediate()
}

export declare namespace set {
  type ReturnType = { budget: Budget; replaced: number[] }
}

/** The budgets in force with this period, unit and scope: the ones {@link set} would replace. */
export function alike(db: Database, parameters: Pick<add.Parameters, 'period' | 'scope' | 'unit'>): Budget[] {
  const scope = Scope.normalize(parameters.scope)
  return list(db).filter((other) => other.period === parameters.period && other.unit === parameters.unit && Scope.same(other, scope))
}

/** What an edit changes; absent fields stay as they are (a `null` label clears it). */
export type Edit = { amount?: bigint | undefined; scope?: Scope.Scope | undefined; label?: string | null | undefined }

/**
 * Edits a budget: a new budget with the edit applied (period and unit kept) replaces it, and any
 * other budget of the same period, unit and new scope, in one transaction. What it has used
 * carries over: a budget's use is counted from the payment rows its scope covers, so the new one
 * seeds its running total from them (those of its new scope, when the scope changed). Undefined
 * when there is no such budget in force.
 *
 * @example
 * ```ts
 * import * as Budgets from './Budgets.js'
 * import * as Database from './Database.js'
 *
 * const db = Database.open(':memory:')
 * const { budget } = Budgets.set(db, { period: 'week', scope: {}, unit: 'usd', amount: 20_000_000n, now: Date.now() })
 * const changed = Budgets.change(db, budget.id, { amount: 25_000_000n }, Date.now())
 * changed?.budget.id // 2: the edit is a new budget, which budget 1 names as its replacement
 * ```
 */
export function change(db: Database, id: number, edit: Edit, now: number): set.ReturnType | undefined {
  return db
    .transaction(() => {
      const budget = get(db, id)
      if (!budget) return undefined
      remove(db, id, now)
      const label = edit.label === undefined ? budget.label : edit.label
      const result = set(db, { period: budget.period, unit: budget.unit, scope: edit.scope ?? budget, amount: edit.amount ?? budget.amount, label, now })
      replace(db, id, result.budget.id, now)
      return result
    })
    .immediate()
}

/**
 * Puts a removed budget back in force, the same row with the same id (what the history names), as
 * the Undo after a removal does. Its running totals are dropped, so its use is counted again from
 * the payment rows, including those decided while it was removed. Throws a sentence when it
 * cannot: it was replaced (by an edit or a budget of the same period and scope), another budget
 * of the same period, unit and scope is in force, or it was removed longer than `within` ms
 * before `now`. Undefined when no such budget was removed.
 */
export function restore(db: Database, id: number, options: { now: number; within: number }): Budget | undefined {
  return db
    .transaction(() => {
      const row = statement(db, 'SELECT * FROM budgets WHERE id = ? AND deleted_at IS NOT NULL').get(id) as Sql | undefined
      if (!row) return undefined
      const budget = fromSql(row)
      if (row.replaced_by !== null) throw new Error(`Budget ${id} was replaced by budget ${row.replaced_by}; change that one instead.`)
      if (options.now - (row.deleted_at as number) > options.within) throw new Error(`Budget ${id} was removed too long ago to undo; set it again instead.`)
      const [same] = alike(db, { ...budget, scope: budget })
      if (same) throw new Error(`Budget ${same.id} now caps the same ${budget.period} and scope; change that one instead.`)
      statement(db, 'UPDATE budgets SET deleted_at = NULL WHERE id = ?').run(id)
      statement(db, 'DELETE FROM budget_usage WHERE budget_id = ?').run(id)
      return budget
    })
    .immediate()
}

/** The budget that replaced this one (an edit, or a budget set for the same period and scope), if any. */
export function replacement(db: Database, id: number): number | undefined {
  return (statement(db, 'SELECT replaced_by FROM budgets WHERE id = ?').pluck().get(id) as number | null | undefined) ?? undefined
}

function replace(db: Database, id: number, by: number, now: number): void {
  statement(db, 'UPDATE budgets SET deleted_at = coalesce(deleted_at, ?), replaced_by = ? WHERE id = ?').run(now, by, id)
}

/** Budgets covering this call in this unit. */
export function matching(db: Database, context: Scope.Context, unit: string): Budget[] {
  return covering(list(db), context, unit)
}

/** The budgets among `budgets` that cover this call in this unit. */
export function covering(budgets: readonly Budget[], context: Scope.Context, unit: string): Budget[] {
  return budgets.filter((budget) => budget.unit === unit && Scope.includes(budget, context))
}

/**
 * What a budget has reserved in the period containing `now`, and what is left.
 *
 * @example
 * ```ts
 * import * as Budgets from './Budgets.js'
 * import * as Database from './Database.js'
 *
 * const db = Database.open(':memory:')
 * const { budget } = Budgets.set(db, { period: 'month', scope: {}, unit: 'usd', amount: 50_000_000n, now: Date.now() })
 * const { used, remaining, end } = Budgets.usage(db, budget, new Date())
 * // used 0n, remaining 50000000n ($50.00) until `end`, the first of next month at local midnight
 * ```
 */
export function usage(db: Database, budget: Budget, now: Date): usage.ReturnType {
  const { start, end } = Period.bounds(budget.period, now)
  const used = bucket(db, budget.id, start) ?? sum(db, budget, start, end)
  return { used, remaining: used >= budget.amount ? 0n : budget.amount - used, start, end }
}

export declare namespace usage {
  type ReturnType = { used: bigint; remaining: bigint; start: number; end: number }
}

/** A budget covering a call, with its usage in the current period. */
export type Usage = usage.ReturnType & { budget: Budget }

/**
 * Every budget covering this call, with its usage now. `budgets` are the ones the transaction
 * has already read (all of them when absent); read once, the result serves both
 * {@link exceeded} and {@link reserve}.
 */
export function usages(db: Database, parameters: usages.Parameters): Usage[] {
  const { budgets = list(db), context, unit, now } = parameters
  return covering(budgets, context, unit).map((budget) => ({ budget, ...usage(db, budget, now) }))
}

export declare namespace usages {
  type Parameters = { budgets?: readonly Budget[] | undefined; context: Scope.Context; unit: string; now: Date }
}

/**
 * The first of `usages` that `amount` more would take past its budget. An amount of 0 (a session
 * voucher, whose deposit was counted) passes unless the budget is already overspent: the user
 * lowered it below what is committed.
 */
export function exceeded(usages: readonly Usage[], amount: bigint): Usage | undefined {
  return usages.find((usage) => usage.used + amount > usage.budget.amount)
}

/**
 * Adds `amount` to every budget covering this call, in the period containing `now`. Call inside
 * the deciding transaction, after {@link exceeded} and before the payment row becomes reserving
 * (a bucket seeded from the rows must not count it twice). `usages`, read earlier in the same
 * transaction, spares reading them again.
 *
 * @example
 * ```ts
 * import * as Budgets from './Budgets.js'
 * import * as Database from './Database.js'
 *
 * const db = Database.open(':memory:')
 * Budgets.set(db, { period: 'day', scope: {}, unit: 'usd', amount: 1_000_000n, now: Date.now() })
 * const context = { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' } as const
 * const now = new Date()
 * const decide = (amount: bigint) => {
 *   const usages = Budgets.usages(db, { context, unit: 'usd', now })
 *   if (Budgets.exceeded(usages, amount)) return false
 *   Budgets.reserve(db, { context, unit: 'usd', amount, now, usages })
 *   return true
 * }
 * Database.immediate(db, decide)(250_000n) // true: $0.25 of today's $1.00 is held
 * ```
 */
export function reserve(db: Database, parameters: reserve.Parameters): void {
  const { amount } = parameters
  for (const { budget, start, used } of parameters.usages ?? usages(db, parameters)) write(db, budget.id, start, used + amount)
}

export declare namespace reserve {
  type Parameters = usages.Parameters & { amount: bigint; usages?: readonly Usage[] | undefined }
}

/**
 * Changes what {@link reserve} took for a payment decided at `decidedAt` by `by` atomic units:
 * negative when it holds less (it failed, or a seller captured less), positive when it holds more
 * (the network fee turned out higher than its bound). Call in the transaction that changes the row.
 */
export function adjust(db: Database, parameters: adjust.Parameters): void {
  const { context, unit, by, decidedAt } = parameters
  if (by === 0n) return
  for (const budget of matching(db, context, unit)) {
    const { start, end } = Period.bounds(budget.period, new Date(decidedAt))
    // An unseeded bucket is seeded from the rows: callers change the row first, so the sum already counts the change.
    const used = bucket(db, budget.id, start)
    if (used === undefined) write(db, budget.id, start, sum(db, budget, start, end))
    else write(db, budget.id, start, used + by > 0n ? used + by : 0n)
  }
}

export declare namespace adjust {
  type Parameters = { context: Scope.Context; unit: string; by: bigint; decidedAt: number }
}

function bucket(db: Database, budgetId: number, start: number): bigint | undefined {
  const used = statement(db, 'SELECT used FROM budget_usage WHERE budget_id = ? AND period_start = ?').pluck().get(budgetId, start)
  return used === undefined ? undefined : BigInt(used as string)
}

function write(db: Database, budgetId: number, start: number, used: bigint) {
  statement(db, 'INSERT INTO budget_usage (budget_id, period_start, used) VALUES (?, ?, ?) ON CONFLICT DO UPDATE SET used = excluded.used').run(
    budgetId,
    start,
    used.toString(),
  )
}

function sum(db: Database, budget: Budget, start: number, end: number): bigint {
  return Payments.reserved(db, { unit: budget.unit, start, end, scope: budget })
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Budget {
  return {
    id: row.id as number,
    createdAt: row.created_at as number,
    period: row.period as Period.Period,
    upstream: row.upstream as string | null,
    operation: row.operation as Scope.Operation | null,
    target: row.target as string | null,
    host: row.host as string | null,
    unit: row.unit as string,
    amount: BigInt(row.amount as string),
    label: row.label as string | null,
  }
}

/** A budget by its id, removed or not: what declined a payment in the past. */
export function ever(db: Database, id: number): Budget | undefined {
  const row = statement(db, 'SELECT * FROM budgets WHERE id = ?').get(id) as Sql | undefined
  return row && fromSql(row)
}
