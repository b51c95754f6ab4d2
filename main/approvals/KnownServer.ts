import type { Database } from '../ledger/Database.js'
import * as Leases from '../ledger/Leases.js'
import * as Payments from '../ledger/Payments.js'
import * as Rules from '../ledger/Rules.js'

/**
 * Whether a payment to `upstream` needs no first-time approval: a rule or an active lease names
 * the server, or it was paid before. What decides a payment (Engine) and what forecasts one for the
 * agent (Outlook) ask the same question here, so the forecast cannot drift from the decision.
 *
 * @example
 * ```ts
 * import * as KnownServer from './KnownServer.js'
 * import * as Rules from '../ledger/Rules.js'
 *
 * declare const db: import('../ledger/Database.js').Database
 * KnownServer.known(db, Rules.list(db), 'https://tools.example.com/mcp', Date.now()) // false before its first payment
 * ```
 */
export function known(db: Database, rules: readonly Rules.Rule[], upstream: string, now: number): boolean {
  return Rules.namesUpstream(rules, upstream) || Leases.namesUpstream(db, upstream, now) || Payments.seenUpstream(db, upstream)
}
