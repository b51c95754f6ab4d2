import BetterSqlite3 from 'better-sqlite3'
import { mkdirSync } from 'node:fs'
import { dirname } from 'node:path'
import { migrations } from './migrations.js'

export type Database = BetterSqlite3.Database

export class NewerSchemaError extends Error {
  override name = 'NewerSchemaError'
}

/**
 * Opens (creating if needed) the ledger at `path` in WAL mode, waits up to `busyTimeout` ms for
 * another process's write lock, enforces foreign keys, and brings the schema up to date.
 * Registers `bigsum(text)`, an exact sum of integer strings (SQLite's own SUM would overflow or
 * round amounts beyond 64 bits).
 *
 * @example
 * ```ts
 * import * as Home from '../shared/Home.js'
 * import * as Database from './Database.js'
 *
 * const db = Database.open(Home.paths(Home.resolve()).database)
 * const memory = Database.open(':memory:') // a throw-away ledger, for a test
 * ```
 */
export function open(path: string, options: open.Options = {}): Database {
  const { busyTimeout = 5_000 } = options
  if (path !== ':memory:') mkdirSync(dirname(path), { recursive: true, mode: 0o700 })
  const db = new BetterSqlite3(path)
  try {
    db.pragma(`busy_timeout = ${Math.trunc(busyTimeout)}`)
    db.pragma('journal_mode = WAL')
    db.pragma('synchronous = NORMAL') // WAL + NORMAL: durable across process crashes, fast commits
    db.pragma('foreign_keys = ON')
    db.aggregate('bigsum', {
      start: () => 0n,
      step: (total: bigint, value: unknown) => (value === null ? total : total + BigInt(value as string)),
      result: (total: bigint) => total.toString(),
    })
    migrate(db)
    return db
  } catch (error) {
    db.close()
    throw error
  }
}

export declare namespace open {
  type Options = { busyTimeout?: number }
}

/** Applies pending migrations, each in its own IMMEDIATE transaction; safe to race from several processes. */
export function migrate(db: Database): void {
  const target = migrations.length
  const check = (version: number) => {
    if (version > target) {
      throw new NewerSchemaError(
        `The ledger ${db.name} has schema version ${version}, newer than this version of Allowance understands (${target}). Update Allowance.`,
      )
    }
  }
  check(version(db))
  for (let next = version(db); next < target; next = version(db)) {
    db.transaction(() => {
      const current = version(db) // re-read under the write lock: another process may have migrated
      check(current)
      if (current !== next) return
      db.exec(migrations[current]!)
      db.pragma(`user_version = ${current + 1}`)
    }).immediate()
  }
}

const statements = new WeakMap<Database, Map<string, BetterSqlite3.Statement>>()

/** A prepared statement for `sql`, compiled once per connection (preparing costs more than running). */
export function statement(db: Database, sql: string): BetterSqlite3.Statement {
  let cache = statements.get(db)
  if (!cache) statements.set(db, (cache = new Map()))
  let prepared = cache.get(sql)
  if (!prepared) cache.set(sql, (prepared = db.prepare(sql)))
  return prepared
}

const transactions = new WeakMap<Database, Map<Function, Function>>()

/**
 * `fn` as a `BEGIN IMMEDIATE` transaction on `db` (a savepoint when nested), wrapped once per
 * connection: wrapping costs more than a small transaction's work. `fn` must be a fixed function.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 * import * as Settings from './Settings.js'
 *
 * const db = Database.open(':memory:')
 * // Reads and writes under one write lock: no other process decides in between.
 * const pauseWhenFlooded = (limit: number) => {
 *   if (Payments.count(db, { states: ['requested'] }) > limit) Settings.set(db, { paused: true })
 * }
 * Database.immediate(db, pauseWhenFlooded)(100)
 * ```
 */
export function immediate<Args extends unknown[], Result>(db: Database, fn: (...args: Args) => Result): (...args: Args) => Result {
  let cache = transactions.get(db)
  if (!cache) transactions.set(db, (cache = new Map()))
  let wrapped = cache.get(fn) as ((...args: Args) => Result) | undefined
  if (!wrapped) cache.set(fn, (wrapped = db.transaction(fn).immediate))
  return wrapped
}

export function version(db: Database): number {
  return db.pragma('user_version', { simple: true }) as number
}
