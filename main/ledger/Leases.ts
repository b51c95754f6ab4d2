import { type Database, statement } from './Database.js'
import * as Scope from './Scope.js'
import * as Units from '../payments/Units.js'

/**
 * Time-boxed allowances: "allow this server (or tool) for 30 minutes up to $2". A lease pays
 * without asking while it is unexpired, unrevoked and has room. `spent` counts every payment
 * charged to it (a payment row's `lease_id`), including the one a human approved when granting
 * it: "up to $2" is the total spent under that approval. It is given back when such a payment
 * fails or is released.
 */
export type Lease = Scope.Normalized & {
  id: number
  upstream: string
  createdAt: number
  expiresAt: number
  revokedAt: number | null
  unit: string
  /** The most this lease may approve in total, in `unit`. */
  amount: bigint
  spent: bigint
}

/**
 * Grants a lease: a server (or one of its tools) paid without asking until `expiresAt`, up to
 * `amount` in all.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Leases from './Leases.js'
 *
 * const db = Database.open(':memory:')
 * const now = Date.now()
 * // "Allow tools.example.com for 30 minutes, up to $2.00"
 * const lease = Leases.add(db, { scope: { upstream: 'https://tools.example.com/mcp' }, unit: 'usd', amount: 2_000_000n, expiresAt: now + 30 * 60_000, now })
 * ```
 */
export function add(db: Database, parameters: add.Parameters): Lease {
  const { unit, amount, spent = 0n, now, expiresAt } = parameters
  const scope = Scope.normalize(parameters.scope)
  if (scope.upstream === null) throw new Error('A lease must name the server it allows.')
  if (!Number.isSafeInteger(expiresAt) || expiresAt <= now) throw new Error('A lease must expire in the future.')
  Units.checkAmount(amount, 'A lease limit')
  if (Units.checkAmount(spent, 'What a lease has spent') > amount) throw new Error('A lease cannot start with more spent than its limit.')
  const id = statement(db, `INSERT INTO leases (created_at, expires_at, upstream, operation, target, host, unit, amount, spent)
      VALUES (@now, @expiresAt, @upstream, @operation, @target, @host, @unit, @amount, @spent)`)
    .run({ now, expiresAt, ...scope, unit: Units.check(unit), amount: amount.toString(), spent: spent.toString() })
    .lastInsertRowid
  return get(db, Number(id))!
}

export declare namespace add {
  type Parameters = {
    scope: Scope.Scope
    unit: string
    amount: bigint
    /** Already charged: the payment approved together with granting the lease. */
    spent?: bigint | undefined
    expiresAt: number
    now: number
  }
}

export function get(db: Database, id: number): Lease | undefined {
  const row = statement(db, 'SELECT * FROM leases WHERE id = ?').get(id) as Sql | undefined
  return row && fromSql(row)
}

/**
 * Leases newest first; with `activeAt`, only those unexpired and unrevoked at that time.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Leases from './Leases.js'
 *
 * const db = Database.open(':memory:')
 * const active = Leases.list(db, { activeAt: Date.now() }) // what the Rules & budgets screen lists
 * ```
 */
export function list(db: Database, options: { activeAt?: number } = {}): Lease[] {
  const rows =
    options.activeAt === undefined
      ? statement(db, 'SELECT * FROM leases ORDER BY id DESC').all()
      : statement(db, 'SELECT * FROM leases WHERE revoked_at IS NULL AND expires_at > ? ORDER BY id DESC').all(options.activeAt)
  return (rows as Sql[]).map(fromSql)
}

/**
 * Ends a lease at `now`: its calls ask again. False when there is no such lease in force.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Leases from './Leases.js'
 *
 * const db = Database.open(':memory:')
 * Leases.revoke(db, 7, Date.now()) // false: there is no lease 7 in force
 * ```
 */
export function revoke(db: Database, id: number, now: number): boolean {
  return statement(db, 'UPDATE leases SET revoked_at = ? WHERE id = ? AND revoked_at IS NULL').run(now, id).changes === 1
}

/**
 * Charges `amount` to the narrowest active lease covering this call that has room for it, and
 * returns that lease; undefined when none does. Call inside the deciding transaction.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Leases from './Leases.js'
 *
 * const db = Database.open(':memory:')
 * const now = Date.now()
 * Leases.add(db, { scope: { upstream: 'https://tools.example.com/mcp' }, unit: 'usd', amount: 2_000_000n, expiresAt: now + 30 * 60_000, now })
 * const context = { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' } as const
 * Leases.consume(db, { context, unit: 'usd', amount: 10_000n, now })?.spent // 10000n
 * ```
 */
export function consume(db: Database, parameters: consume.Parameters): Lease | undefined {
  const { context, unit, amount, now } = parameters
  const rows = statement(db, `SELECT * FROM leases WHERE revoked_at IS NULL AND expires_at > @now AND unit = @unit AND ${Scope.covers}`)
    .all({ ...context, unit, now }) as Sql[]
  const lease = rows
    .map(fromSql)
    .filter((lease) => lease.spent + amount <= lease.amount)
    .sort((a, b) => Scope.specificity(b) - Scope.specificity(a) || a.expiresAt - b.expiresAt)[0]
  if (!lease) return undefined
  statement(db, 'UPDATE leases SET spent = ? WHERE id = ?').run((lease.spent + amount).toString(), lease.id)
  return { ...lease, spent: lease.spent + amount }
}

export declare namespace consume {
  type Parameters = { context: Scope.Context; unit: string; amount: bigint; now: number }
}

/**
 * Changes what the lease a payment was charged to (its `lease_id`), if any, has spent by `by`:
 * negative gives back (the payment failed, or moved less), positive charges more (its fee came in above its bound).
 */
export function charge(db: Database, leaseId: number | null, by: bigint): void {
  const lease = leaseId === null ? undefined : get(db, leaseId)
  if (!lease || by === 0n) return
  const spent = lease.spent + by > 0n ? lease.spent + by : 0n
  statement(db, 'UPDATE leases SET spent = ? WHERE id = ?').run(spent.toString(), lease.id)
}

/** Whether an active lease the user granted names this upstream server. */
export function namesUpstream(db: Database, upstream: string, now: number): boolean {
  const sql = 'SELECT 1 FROM leases WHERE revoked_at IS NULL AND expires_at > ? AND upstream = ? LIMIT 1'
  return statement(db, sql).pluck().get(now, upstream) === 1
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Lease {
  return {
    id: row.id as number,
    createdAt: row.created_at as number,
    expiresAt: row.expires_at as number,
    revokedAt: row.revoked_at as number | null,
    upstream: row.upstream as string,
    operation: row.operation as Scope.Operation | null,
    target: row.target as string | null,
    host: row.host as string | null,
    unit: row.unit as string,
    amount: BigInt(row.amount as string),
    spent: BigInt(row.spent as string),
  }
}
