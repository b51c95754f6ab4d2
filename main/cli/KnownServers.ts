import * as Host from '../hosts/Host.js'
import * as Inventory from '../hosts/Inventory.js'
import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Leases from '../ledger/Leases.js'
import * as Payments from '../ledger/Payments.js'
import * as Rules from '../ledger/Rules.js'
import { UsageError } from './UsageError.js'

/**
 * A rule, budget or lease for a server Allowance has never seen most likely names a mistyped
 * address, and would apply to nothing; it is refused with a warning unless `--force` says the
 * server is meant. Seen: it asked for a payment, an agent host's entry reaches it (as the Servers
 * screen lists them), or a rule, budget or lease of yours already names it.
 */
export function check(db: Database, upstream: string | null, parameters: check.Parameters): void {
  if (upstream === null || parameters.force || seen(db, upstream)) return
  throw new UsageError(
    `${upstream} is a server Allowance has never seen (no payment, host entry, rule, budget or lease names it); check the address, or give --force to add the ${parameters.what} anyway.`,
  )
}

export declare namespace check {
  type Parameters = { force: boolean | undefined; what: 'rule' | 'budget' | 'lease' }
}

/** The `--force` flag and its line in `--help`. */
export const flag = { force: { type: 'boolean' } } as const
export const help = ['--force', 'add it even for a server Allowance has never seen (no payment or host entry)'] as const

function seen(db: Database, upstream: string): boolean {
  const named = [...Payments.upstreams(db), ...Rules.list(db).map((rule) => rule.upstream), ...Budgets.list(db).map((budget) => budget.upstream), ...Leases.list(db).map((lease) => lease.upstream)]
  if (named.includes(upstream)) return true
  const entries = Inventory.scan(Host.here()).flatMap((config) => config.files.flatMap((file) => file.servers))
  return entries.some((server) => Inventory.payable(server) && server.upstream === upstream)
}
