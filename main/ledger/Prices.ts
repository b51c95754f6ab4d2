import type { Quote } from '../payments/Quote.js'
import { type Database, statement } from './Database.js'
import type * as Scope from './Scope.js'

/**
 * Prices known before a call: what a server's discovery document advertises, what its last
 * challenge asked, what an x402 `accepts` offered. They are advisory: shown to the user and the
 * agent, never used to pay (the live challenge decides, and is validated on its own). One row per
 * server, call and source; a live source (a challenge, x402) wins over the advertised one.
 */

export type Source = 'discovery' | 'challenge' | 'x402'

/** A quote (what it costs, in the registry's terms) for one server's call, from one source, when. */
export type Price = Quote & {
  upstream: string
  operation: Scope.Operation
  target: string
  source: Source
  seenAt: number
}

/** A price as it is learned: everything but where and when. */
export type Learned = Omit<Price, 'seenAt'>

/** A price learned again within this long, unchanged, is not written again (a server called in a loop). */
const rewriteAfterMs = 60_000

const written = new WeakMap<Database, Map<string, { value: string; at: number }>>()

/**
 * Records (or updates) the price one source gave for a call. Cheap when nothing changed: a price
 * seen again unchanged within a minute writes nothing.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Prices from './Prices.js'
 *
 * const db = Database.open(':memory:')
 * Prices.learn(db, {
 *   upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search', source: 'challenge',
 *   method: 'evm', intent: 'charge', amountAtomic: 10_000n, currency: '8453:0x833589fcd6edb6e08f4c7c32d4f71b54bda02913',
 *   symbol: 'USDC', decimals: 6, budgetUnit: 'usd', budgetAmount: 10_000n,
 * }, Date.now())
 * ```
 */
export function learn(db: Database, price: Learned, now: number): void {
  let cache = written.get(db)
  if (!cache) written.set(db, (cache = new Map()))
  const key = `${price.upstream}\n${price.operation}\n${price.target}\n${price.source}`
  const value = `${price.method}|${price.intent}|${price.amountAtomic}|${price.currency}|${price.symbol}|${price.decimals}|${price.budgetUnit}|${price.budgetAmount}`
  const last = cache.get(key)
  if (last && last.value === value && now - last.at < rewriteAfterMs) return
  write(db, price, now)
  if (cache.size > 10_000) cache.clear()
  cache.set(key, { value, at: now })
}

function write(db: Database, price: Learned, now: number): void {
  statement(
    db,
    `INSERT INTO prices (upstream, operation, target, source, method, intent, amount_atomic, currency, symbol, decimals, budget_unit, budget_amount, seen_at)
     VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)
     ON CONFLICT (upstream, operation, target, source) DO UPDATE SET method = excluded.method, intent = excluded.intent,
       amount_atomic = excluded.amount_atomic, currency = excluded.currency, symbol = excluded.symbol, decimals = excluded.decimals,
       budget_unit = excluded.budget_unit, budget_amount = excluded.budget_amount, seen_at = excluded.seen_at`,
  ).run(
    price.upstream,
    price.operation,
    price.target,
    price.source,
    price.method,
    price.intent,
    price.amountAtomic?.toString() ?? null,
    price.currency,
    price.symbol,
    price.decimals,
    price.budgetUnit,
    price.budgetAmount?.toString() ?? null,
    now,
  )
}

/**
 * Replaces what a server's discovery document advertised with what it advertises now: calls it no
 * longer lists lose their advertised price; prices from challenges stay.
 */
export function replaceAdvertised(db: Database, upstream: string, prices: readonly Omit<Learned, 'upstream' | 'source'>[], now: number): void {
  db.transaction(() => {
    statement(db, `DELETE FROM prices WHERE upstream = ? AND source = 'discovery'`).run(upstream)
    for (const price of prices) write(db, { ...price, upstream, source: 'discovery' }, now)
  }).immediate()
  written.get(db)?.clear()
}

/** Every price known for a server, per call and source, calls in name order. */
export function list(db: Database, upstream: string): Price[] {
  const rows = statement(db, 'SELECT * FROM prices WHERE upstream = ? ORDER BY operation, target, source').all(upstream) as Sql[]
  return rows.map(fromSql)
}

/** The servers any price is known for. */
export function upstreams(db: Database): string[] {
  return statement(db, 'SELECT DISTINCT upstream FROM prices ORDER BY upstream').pluck().all() as string[]
}

/** One source's price for a call. */
export function get(db: Database, key: { upstream: string; operation: Scope.Operation; target: string; source: Source }): Price | undefined {
  const row = statement(db, 'SELECT * FROM prices WHERE upstream = ? AND operation = ? AND target = ? AND source = ?').get(key.upstream, key.operation, key.target, key.source) as
    | Sql
    | undefined
  return row && fromSql(row)
}

/**
 * The price in force for each call of `prices` (one server's): the newest live one (a challenge
 * or x402), else the advertised one. Keyed by `<operation> <target>`.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Prices from './Prices.js'
 *
 * const db = Database.open(':memory:')
 * const current = Prices.current(Prices.list(db, 'https://tools.example.com/mcp'))
 * current.get('tools/call search')?.source // 'challenge' once the server asked for a payment, whatever its document says
 * ```
 */
export function current(prices: readonly Price[]): Map<string, Price> {
  const best = new Map<string, Price>()
  const live = (price: Price) => price.source !== 'discovery'
  for (const price of prices) {
    const key = `${price.operation} ${price.target}`
    const held = best.get(key)
    if (!held || (live(price) && !live(held)) || (live(price) === live(held) && price.seenAt > held.seenAt)) best.set(key, price)
  }
  return best
}

export type Check = { upstream: string; checkedAt: number; outcome: 'found' | 'none' | 'ignored'; problem: string | null }

/** Notes a look at a server's discovery document: `found`, `none` (no document there), or `ignored` (unusable, with why). */
export function checked(db: Database, check: Check): void {
  statement(
    db,
    `INSERT INTO discovery_checks (upstream, checked_at, outcome, problem) VALUES (?, ?, ?, ?)
     ON CONFLICT (upstream) DO UPDATE SET checked_at = excluded.checked_at, outcome = excluded.outcome, problem = excluded.problem`,
  ).run(check.upstream, check.checkedAt, check.outcome, check.problem)
}

/** The last look at a server's discovery document, if any. */
export function lastCheck(db: Database, upstream: string): Check | undefined {
  const row = statement(db, 'SELECT * FROM discovery_checks WHERE upstream = ?').get(upstream) as Record<string, string | number | null> | undefined
  if (!row) return undefined
  return { upstream, checkedAt: row.checked_at as number, outcome: row.outcome as Check['outcome'], problem: row.problem as string | null }
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Price {
  return {
    upstream: row.upstream as string,
    operation: row.operation as Scope.Operation,
    target: row.target as string,
    source: row.source as Source,
    method: row.method as string | null,
    intent: row.intent as string | null,
    amountAtomic: row.amount_atomic === null ? null : BigInt(row.amount_atomic as string),
    currency: row.currency as string,
    symbol: row.symbol as string | null,
    decimals: row.decimals as number | null,
    budgetUnit: row.budget_unit as string | null,
    budgetAmount: row.budget_amount === null ? null : BigInt(row.budget_amount as string),
    seenAt: row.seen_at as number,
  }
}
