import { type Database, statement } from './Database.js'

/**
 * What the user was warned about, before or as money ran out: a token's balance below its
 * threshold, a payment the wallet could not cover, a card that failed. At most one warning is
 * active per kind and subject (a token's key, `card`); raising it again only updates its words, so
 * the user hears of it once, and it is cleared when its cause is gone. Rows are kept as a log.
 */

export type Kind = 'low_balance' | 'insufficient_funds' | 'card'

export type Warning = {
  id: number
  kind: Kind
  /** What it is about: a token's currency key (`<chainId>:<address>`), or `card`. */
  subject: string
  title: string
  body: string
  /** What to do about it, in a sentence. */
  action: string | null
  /** What the companion needs to know when to clear it (the amount that was missing, the card). */
  data: Record<string, unknown> | null
  createdAt: number
  updatedAt: number
  clearedAt: number | null
}

export type Raise = Pick<Warning, 'kind' | 'subject' | 'title' | 'body'> & { action?: string | null; data?: Record<string, unknown> | null }

/**
 * Raises a warning, or updates the active one of the same kind and subject; `raised` says whether
 * it is new (the one time to notify the user).
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Warnings from './Warnings.js'
 *
 * const db = Database.open(':memory:')
 * const warning = { kind: 'low_balance', subject: '8453:0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', title: 'USDC is running low', body: '1.20 USDC left' } as const
 * Warnings.raise(db, warning, Date.now()).raised // true: notify
 * Warnings.raise(db, { ...warning, body: '1.10 USDC left' }, Date.now()).raised // false: already told
 * ```
 */
export function raise(db: Database, warning: Raise, now: number): { warning: Warning; raised: boolean } {
  return db
    .transaction(() => {
      const active = activeOne(db, warning.kind, warning.subject)
      const data = warning.data === undefined || warning.data === null ? null : JSON.stringify(warning.data)
      if (active) {
        statement(db, 'UPDATE warnings SET title = ?, body = ?, action = ?, data = ?, updated_at = ? WHERE id = ?').run(warning.title, warning.body, warning.action ?? null, data, now, active.id)
        return { warning: activeOne(db, warning.kind, warning.subject)!, raised: false }
      }
      statement(db, 'INSERT INTO warnings (kind, subject, title, body, action, data, created_at, updated_at) VALUES (?, ?, ?, ?, ?, ?, ?, ?)').run(
        warning.kind,
        warning.subject,
        warning.title,
        warning.body,
        warning.action ?? null,
        data,
        now,
        now,
      )
      return { warning: activeOne(db, warning.kind, warning.subject)!, raised: true }
    })
    .immediate()
}

/** Clears the active warning of this kind and subject; false when there was none. */
export function clear(db: Database, kind: Kind, subject: string, now: number): boolean {
  return statement(db, 'UPDATE warnings SET cleared_at = ? WHERE kind = ? AND subject = ? AND cleared_at IS NULL').run(now, kind, subject).changes > 0
}

/** The active warnings, oldest first (of one kind when given). */
export function active(db: Database, kind?: Kind): Warning[] {
  const rows = (
    kind === undefined
      ? statement(db, 'SELECT * FROM warnings WHERE cleared_at IS NULL ORDER BY id').all()
      : statement(db, 'SELECT * FROM warnings WHERE cleared_at IS NULL AND kind = ? ORDER BY id').all(kind)
  ) as Sql[]
  return rows.map(fromSql)
}

/** Every warning ever raised, newest first (at most `limit`). */
export function log(db: Database, limit = 100): Warning[] {
  return (statement(db, 'SELECT * FROM warnings ORDER BY id DESC LIMIT ?').all(limit) as Sql[]).map(fromSql)
}

function activeOne(db: Database, kind: Kind, subject: string): Warning | undefined {
  const row = statement(db, 'SELECT * FROM warnings WHERE kind = ? AND subject = ? AND cleared_at IS NULL').get(kind, subject) as Sql | undefined
  return row && fromSql(row)
}

/**
 * The balance below which the user is warned, per token (its currency key), where the user set
 * one; `0` turns the warning off for that token.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Warnings from './Warnings.js'
 *
 * const db = Database.open(':memory:')
 * Warnings.setThreshold(db, '8453:0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', 5_000_000n, Date.now()) // warn below 5 USDC
 * Warnings.thresholds(db).get('8453:0x833589fcd6edb6e08f4c7c32d4f71b54bda02913') // 5000000n
 * Warnings.setThreshold(db, '8453:0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', undefined, Date.now()) // back to the default
 * ```
 */
export function setThreshold(db: Database, currency: string, amount: bigint | undefined, now: number): void {
  if (amount === undefined) {
    statement(db, 'DELETE FROM balance_thresholds WHERE currency = ?').run(currency)
    return
  }
  if (typeof amount !== 'bigint' || amount < 0n) throw new Error('A balance threshold is a non-negative amount.')
  statement(
    db,
    `INSERT INTO balance_thresholds (currency, amount, updated_at) VALUES (?, ?, ?)
     ON CONFLICT (currency) DO UPDATE SET amount = excluded.amount, updated_at = excluded.updated_at`,
  ).run(currency, amount.toString(), now)
}

export function thresholds(db: Database): Map<string, bigint> {
  const rows = statement(db, 'SELECT currency, amount FROM balance_thresholds').all() as { currency: string; amount: string }[]
  return new Map(rows.map((row) => [row.currency, BigInt(row.amount)]))
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Warning {
  let data: Record<string, unknown> | null = null
  try {
    data = row.data === null ? null : (JSON.parse(row.data as string) as Record<string, unknown>)
  } catch {}
  return {
    id: row.id as number,
    kind: row.kind as Kind,
    subject: row.subject as string,
    title: row.title as string,
    body: row.body as string,
    action: row.action as string | null,
    data,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    clearedAt: row.cleared_at as number | null,
  }
}
