import * as Config from '../companion/Config.js'
import * as Database from '../ledger/Database.js'
import * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as Home from '../shared/Home.js'
import * as Options from './Options.js'
import type * as Usage from './Usage.js'

/**
 * The CLI works on the ledger in ALLOWANCE_HOME directly. A running companion reads rules,
 * budgets, leases and settings inside each decision's transaction, so what the CLI writes applies
 * to the next payment; SQLite's locking orders the two. Amounts are priced with the same registry
 * the companion builds from `settings.json`.
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

let cached: TokenRegistry.Registry | undefined

/** The companion's registry: the seed currencies and the user's tokens from `settings.json`. */
export function registry(): TokenRegistry.Registry {
  if (cached) return cached
  const config = Config.read(Home.paths(Home.resolve()).settings)
  if (config.problem) console.error(`allowance: ${config.problem}; using the built-in defaults.`)
  return (cached = TokenRegistry.create({ tokens: config.tokens }))
}

/** An amount in a budget unit as the CLI prints it ("$0.25", "0.25 USDC"), from the registry. */
export function money(amount: bigint, unit: string): string {
  return Units.format(amount, unit, registry())
}

/** The `--unit` of rules, budgets and leases, found in the registry; a usage error when it is not there. */
export function unit(given: string): Units.Resolved {
  return Options.check(() => Units.resolve(given, registry()))
}

/** The `--unit` line of those commands' `--help`. */
export const unitHelp: Usage.Row = ['--unit UNIT', 'what <amount> counts in: usd (the default), an ISO currency such as eur, or\n<chainId>:<token address> of a token in the registry']

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
    what: 'rule' | 'budget' | 'lease'
    done: 'removed' | 'revoked'
    /** Marks the row ended; false when there is no such row still in force. */
    end: (db: Database.Database, id: number, now: number) => boolean
  }
}
