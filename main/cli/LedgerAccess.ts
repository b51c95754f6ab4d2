import * as Database from '../ledger/Database.js'
import * as Home from '../shared/Home.js'
import * as Options from './Options.js'

/**
 * The CLI works on the ledger in ALLOWANCE_HOME directly. A running companion reads rules,
 * budgets, leases and settings inside each decision's transaction, so what the CLI writes applies
 * to the next payment; SQLite's locking orders the two.
 */
export function use<T>(run: (db: Database.Database) => T): T {
  process.umask(0o077) // a ledger the CLI creates is the user's alone, as the companion's is
  const db = Database.open(Home.paths(Home.resolve()).database)
  try {
    return run(db)
  } finally {
    db.close()
  }
}

/** {@link use} for work that waits (a fetch) while the ledger is open. */
export async function useAsync<T>(run: (db: Database.Database) => Promise<T>): Promise<T> {
  process.umask(0o077)
  const db = Database.open(Home.paths(Home.resolve()).database)
  try {
    return await run(db)
  } finally {
    db.close()
  }
}

/** `rules remove <id>`, `budget remove <id>`, `leases revoke <id>`: ends one row, or says there is none (exit 1). */
export function end(parameters: end.Parameters): number {
  const { args, what, done } = parameters
  const id = Options.id(args[0], what)
  Options.noMore(args, 1)
  if (!use((db) => parameters.end(db, id, Date.now()))) throw new Error(`there is no ${what} ${id}${done === 'revoked' ? ' to revoke' : ''}.`)
  console.log(`${what[0]!.toUpperCase()}${what.slice(1)} ${id} ${done}.`)
  return 0
}

export declare namespace end {
  type Parameters = {
    args: readonly string[]
    what: 'rule' | 'budget' | 'lease' | 'share'
    done: 'removed' | 'revoked'
    /** Marks the row ended; false when there is no such row still in force. */
    end: (db: Database.Database, id: number, now: number) => boolean
  }
}
