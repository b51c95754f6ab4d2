import { type Database, statement } from './Database.js'

/**
 * Companion settings kept in the ledger (key → JSON value), read with defaults. Only the user
 * changes them (UI or CLI); nothing reachable over MCP does. Not to be confused with the user's
 * settings.json file, which is the companion's configuration (companion/Config.ts).
 */
export type Settings = {
  /** The kill switch: while true, every payment is declined with `paused`. */
  paused: boolean
  /** How long a payment waits for a human before it is declined with `timeout`. */
  approvalTimeoutMs: number
  /** The loop breaker: more than `count` approvals of the same call within `seconds` asks a human. */
  loopBreaker: { count: number; seconds: number }
  /**
   * A new challenge after a credential, within the same host request, would pay twice: `decline`
   * it (the default), or `ask` the human with a card that says so. No rule or lease ever approves it.
   */
  rechallenge: 'decline' | 'ask'
}

export const defaults: Settings = {
  paused: false,
  approvalTimeoutMs: 60_000,
  loopBreaker: { count: 5, seconds: 60 },
  rechallenge: 'decline',
}

/**
 * The settings in force: what the ledger stores, each missing or unreadable one at its default.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Settings from './Settings.js'
 *
 * const db = Database.open(':memory:')
 * Settings.get(db) // { paused: false, approvalTimeoutMs: 60000, loopBreaker: { count: 5, seconds: 60 }, rechallenge: 'decline' }
 * ```
 */
export function get(db: Database): Settings {
  const rows = statement(db, 'SELECT key, value FROM settings').all() as { key: string; value: string }[]
  const stored: Record<string, unknown> = {}
  for (const { key, value } of rows) {
    try {
      stored[key] = JSON.parse(value)
    } catch {} // a corrupt value falls back to its default
  }
  return {
    paused: typeof stored.paused === 'boolean' ? stored.paused : defaults.paused,
    approvalTimeoutMs: isTimeout(stored.approvalTimeoutMs) ? stored.approvalTimeoutMs : defaults.approvalTimeoutMs,
    loopBreaker: isLoopBreaker(stored.loopBreaker) ? stored.loopBreaker : defaults.loopBreaker,
    rechallenge: isRechallenge(stored.rechallenge) ? stored.rechallenge : defaults.rechallenge,
  }
}

/**
 * Validates and stores some settings; throws a clear error and stores nothing when one is invalid.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Settings from './Settings.js'
 *
 * const db = Database.open(':memory:')
 * Settings.set(db, { paused: true }).paused // true: every payment is declined until it is false again
 * Settings.set(db, { approvalTimeoutMs: 500 }) // throws: approvalTimeoutMs must be an integer from 1,000 to 3,600,000.
 * ```
 */
export function set(db: Database, patch: Partial<Settings>): Settings {
  if (patch.paused !== undefined && typeof patch.paused !== 'boolean') throw new Error('paused must be true or false.')
  if (patch.approvalTimeoutMs !== undefined && !isTimeout(patch.approvalTimeoutMs)) {
    throw new Error('approvalTimeoutMs must be an integer from 1,000 to 3,600,000.')
  }
  if (patch.loopBreaker !== undefined && !isLoopBreaker(patch.loopBreaker)) {
    throw new Error('loopBreaker needs a count from 1 to 1,000 and seconds from 1 to 86,400.')
  }
  if (patch.rechallenge !== undefined && !isRechallenge(patch.rechallenge)) throw new Error('rechallenge must be "decline" or "ask".')
  const upsert = statement(db, 'INSERT INTO settings (key, value) VALUES (?, ?) ON CONFLICT (key) DO UPDATE SET value = excluded.value')
  db.transaction(() => {
    for (const [key, value] of Object.entries(patch)) if (key in defaults && value !== undefined) upsert.run(key, JSON.stringify(value))
  }).immediate()
  return get(db)
}

function isRechallenge(value: unknown): value is Settings['rechallenge'] {
  return value === 'decline' || value === 'ask'
}

function isTimeout(value: unknown): value is number {
  return Number.isInteger(value) && (value as number) >= 1_000 && (value as number) <= 3_600_000
}

function isLoopBreaker(value: unknown): value is Settings['loopBreaker'] {
  if (typeof value !== 'object' || value === null) return false
  const { count, seconds } = value as Record<string, unknown>
  return Number.isInteger(count) && (count as number) >= 1 && (count as number) <= 1_000 && Number.isInteger(seconds) && (seconds as number) >= 1 && (seconds as number) <= 86_400
}
