import type { Database } from './Database.js'
import * as Payments from './Payments.js'
import * as Period from './Period.js'
import * as Scope from './Scope.js'
import * as Unit from './Unit.js'

/**
 * Spending caps per day, week or month over a scope, in one unit. Every matching budget applies.
 * What a budget has used is derived from the payment rows of the current period, so a budget
 * created mid-day already counts today's payments, and releasing a payment frees its share.
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
  const id = db
    .prepare(
      `INSERT INTO budgets (created_at, period, upstream, operation, target, host, unit, amount, label)
      VALUES (@now, @period, @upstream, @operation, @target, @host, @unit, @amount, @label)`,
    )
    .run({ now, period, ...scope, unit: Unit.check(unit), amount: Unit.checkAmount(amount, 'A budget amount').toString(), label })
    .lastInsertRowid
  return get(db, Number(id))!
}

export declare namespace add {
  type Parameters = { period: Period.Period; scope: Scope.Scope; unit: string; amount: bigint; label?: string | null; now: number }
}

export function get(db: Database, id: number): Budget | undefined {
  const row = db.prepare('SELECT * FROM budgets WHERE id = ? AND deleted_at IS NULL').get(id) as Sql | undefined
  return row && fromSql(row)
}

export function list(db: Database): Budget[] {
  return (db.prepare('SELECT * FROM budgets WHERE deleted_at IS NULL ORDER BY id').all() as Sql[]).map(fromSql)
}

export function remove(db: Database, id: number, now: number): boolean {
  return db.prepare('UPDATE budgets SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes === 1
}

/** Budgets covering this call in this unit. */
export function matching(db: Database, context: Scope.Context, unit: string): Budget[] {
  const sql = `SELECT * FROM budgets WHERE deleted_at IS NULL AND unit = @unit AND ${Scope.covers} ORDER BY id`
  return (db.prepare(sql).all({ ...context, unit }) as Sql[]).map(fromSql)
}

/** What a budget has reserved in the period containing `now`, and what is left. */
export function usage(db: Database, budget: Budget, now: Date): usage.ReturnType {
  const { start, end } = Period.bounds(budget.period, now)
  const used = Payments.reserved(db, { unit: budget.unit, start, end, scope: budget })
  return { used, remaining: used >= budget.amount ? 0n : budget.amount - used, start, end }
}

export declare namespace usage {
  type ReturnType = { used: bigint; remaining: bigint; start: number; end: number }
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
