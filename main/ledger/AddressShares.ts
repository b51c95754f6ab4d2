import { type Database, statement } from './Database.js'

/**
 * "Share my address with <server>": the user's standing answer to a server's identity proofs (a
 * zero-amount challenge answered with a signature that reveals the wallet's address). A share
 * covers proofs only, for one upstream server; payment rules and leases never cover a proof.
 * Removing a share keeps its row: the history names it as `share:<id>`.
 */
export type Share = { id: number; upstream: string; createdAt: number }

/**
 * Shares the wallet's address with `upstream` from now on; the share already in force for it, if any.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as AddressShares from './AddressShares.js'
 *
 * const db = Database.open(':memory:')
 * const share = AddressShares.add(db, { upstream: 'https://tools.example.com/mcp', now: Date.now() })
 * AddressShares.covering(db, 'https://tools.example.com/mcp')?.id === share.id // true
 * ```
 */
export function add(db: Database, parameters: { upstream: string; now: number }): Share {
  const { upstream, now } = parameters
  if (typeof upstream !== 'string' || upstream.length === 0 || upstream.length > 4096) throw new Error('A share names a server of 1 to 4096 characters.')
  return db
    .transaction(() => {
      const existing = covering(db, upstream)
      if (existing) return existing
      const id = statement(db, 'INSERT INTO address_shares (upstream, created_at) VALUES (?, ?)').run(upstream, now).lastInsertRowid
      return { id: Number(id), upstream, createdAt: now }
    })
    .immediate()
}

/** The share in force for `upstream`, if the user made one. */
export function covering(db: Database, upstream: string): Share | undefined {
  const row = statement(db, 'SELECT * FROM address_shares WHERE upstream = ? AND deleted_at IS NULL').get(upstream) as Sql | undefined
  return row && fromSql(row)
}

/** The shares in force, oldest first. */
export function list(db: Database): Share[] {
  return (statement(db, 'SELECT * FROM address_shares WHERE deleted_at IS NULL ORDER BY id').all() as Sql[]).map(fromSql)
}

/** Stops sharing; false when no such share is in force. */
export function remove(db: Database, id: number, now: number): boolean {
  return statement(db, 'UPDATE address_shares SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes === 1
}

type Sql = { id: number; upstream: string; created_at: number }

function fromSql(row: Sql): Share {
  return { id: row.id, upstream: row.upstream, createdAt: row.created_at }
}
