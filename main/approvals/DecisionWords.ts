import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Leases from '../ledger/Leases.js'
import * as Rules from '../ledger/Rules.js'
import * as Scope from '../ledger/Scope.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { DeclineReason } from './Decision.js'
import * as Message from './Message.js'

/**
 * Who decided a payment and why, in the user's words, for History and `allowance history`: "you
 * declined", "your rule: pay up to $0.05 a call on tools.example.com". The ledger's codes
 * (`rule:3`, `declined_by_user`) are never shown.
 */

const reasons: Record<DeclineReason, string> = {
  declined_by_user: 'you declined',
  timeout: 'nobody approved it in time',
  budget_exceeded: 'over budget',
  over_limit: 'above your per-call limit',
  paused: 'payments were paused',
  invalid_challenge: "the server's payment request was unusable",
  unsupported_method: 'no way to pay what the server asked',
  expired: 'the payment request had expired',
  cancelled: 'cancelled before anyone approved it',
  rechallenge: 'the server asked again after it was sent a payment; not paid twice',
}

/**
 * Why a payment was declined ("you declined"), or why it failed, in words.
 *
 * @example
 * ```ts
 * import * as DecisionWords from './DecisionWords.js'
 *
 * DecisionWords.reason({ declineReason: 'timeout', error: null }) // 'nobody approved it in time'
 * DecisionWords.reason({ declineReason: null, error: null }) // null: it was not declined and did not fail
 * ```
 */
export function reason(payment: { declineReason: string | null; error: string | null }): string | null {
  if (payment.declineReason) return Object.hasOwn(reasons, payment.declineReason) ? reasons[payment.declineReason as DeclineReason] : payment.declineReason.replaceAll('_', ' ')
  return payment.error && ErrorWords.plain(payment.error)
}

/**
 * `rule:3` → "your rule"; `human` → "you"; `policy` → "Allowance".
 *
 * @example
 * ```ts
 * import * as DecisionWords from './DecisionWords.js'
 *
 * DecisionWords.who('lease:4') // 'your lease'
 * DecisionWords.who('policy') // 'Allowance'
 * ```
 */
export function who(decidedBy: string): string {
  const [kind] = decidedBy.split(':')
  if (kind === 'human') return 'you'
  if (kind === 'rule' || kind === 'lease' || kind === 'budget') return `your ${kind}`
  if (kind === 'share') return 'your share of the address'
  if (kind === 'subscription') return 'your subscription'
  return 'Allowance'
}

/**
 * The decision as a sentence: "You approved it on the card", "You declined", "Your rule: pay up
 * to $0.05 a call for `search` on tools.example.com", "Your budget: $5.00 a day on every server",
 * "Allowance: payments were paused".
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Rules from '../ledger/Rules.js'
 * import * as TokenRegistry from '../payments/TokenRegistry.js'
 * import * as DecisionWords from './DecisionWords.js'
 *
 * const db = Database.open(':memory:')
 * const { rule } = Rules.set(db, { kind: 'auto_approve', scope: { upstream: 'https://tools.example.com/mcp' }, unit: 'usd', amount: 50_000n, now: Date.now() })
 * DecisionWords.sentence(db, TokenRegistry.create(), { decidedBy: `rule:${rule.id}`, decision: 'approved', declineReason: null })
 * // 'Your rule: pay up to $0.05 a call on tools.example.com'
 * ```
 */
export function sentence(db: Database, registry: TokenRegistry.Registry, payment: sentence.Payment): string | null {
  const { decidedBy } = payment
  if (!decidedBy) return null
  const [kind, idText] = decidedBy.split(':')
  const id = Number(idText)
  const money = (amount: bigint, unit: string) => Units.format(amount, unit, registry)
  if (kind === 'human') return payment.decision === 'declined' ? 'You declined' : 'You approved it on the card'
  // A rule or budget removed, or replaced by an edit, since still says what it was.
  const since = (current: unknown, replacement: number | undefined, what: 'rule' | 'budget') =>
    current ? '' : replacement === undefined ? ', removed since' : `, replaced by ${what} ${replacement} since`
  if (kind === 'rule') {
    const rule = Rules.ever(db, id)
    if (!rule) return 'Your rule'
    const what = rule.kind === 'auto_approve' ? `pay up to ${money(rule.amount, rule.unit)} a call` : `decline above ${money(rule.amount, rule.unit)} a call`
    return `Your rule${since(Rules.get(db, id), Rules.replacement(db, id), 'rule')}: ${what} ${where(rule)}`
  }
  if (kind === 'lease') {
    const lease = Leases.get(db, id)
    return lease ? `Your lease: pay up to ${money(lease.amount, lease.unit)} in all ${where(lease)}` : 'Your lease'
  }
  if (kind === 'share') return 'Your share of the wallet address with this server'
  if (kind === 'subscription') return `Your subscription ${id}: the server charged it with the key you authorized`
  if (kind === 'budget') {
    const budget = Budgets.ever(db, id)
    return budget ? `Your budget${since(Budgets.get(db, id), Budgets.replacement(db, id), 'budget')}: ${money(budget.amount, budget.unit)} a ${budget.period} ${where(budget)}` : 'Your budget'
  }
  return `Allowance: ${reason({ declineReason: payment.declineReason, error: null }) ?? 'it could not be paid'}`
}

export declare namespace sentence {
  type Payment = { decidedBy: string | null; decision: 'approved' | 'declined' | null; declineReason: string | null }
}

/** "on tools.example.com", "for `search` on tools.example.com", "on every server", "… from Claude Code". */
function where(scope: Scope.Scope): string {
  const server = scope.upstream ? Scope.upstreamLabel(scope.upstream) : undefined
  const place = scope.operation && scope.target && server ? `for ${Message.target({ operation: scope.operation, target: scope.target })} on ${server}` : server ? `on ${server}` : 'on every server'
  return scope.host ? `${place} from ${scope.host}` : place
}
