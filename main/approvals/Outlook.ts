import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Leases from '../ledger/Leases.js'
import * as Period from '../ledger/Period.js'
import * as Prices from '../ledger/Prices.js'
import * as Rules from '../ledger/Rules.js'
import * as Scope from '../ledger/Scope.js'
import * as Settings from '../ledger/Settings.js'
import * as Quote from '../payments/Quote.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as KnownServer from './KnownServer.js'
import * as Message from './Message.js'

/**
 * What the user's rules, budgets and leases would do with a call at its known price, told to the
 * agent ahead of the call: in each paid tool's description, and by the read-only status tool.
 * Everything here only reads the ledger. It is a forecast: the payment itself is decided by the
 * Engine on the live challenge, and nothing here changes what may be paid.
 */

/**
 * - `pays`: a lease or an auto-approve rule covers it (the recipient may still be the user's to trust);
 * - `asks`: the user approves it in Allowance;
 * - `blocked`: declined whoever approves it (paused, above a hard limit, over a budget), with why.
 */
export type Verdict = { kind: 'pays' } | { kind: 'asks' } | { kind: 'blocked'; clause: string }

/** Whom and what a forecast is for: a server, as one agent host reaches it. */
export type Who = { host: string; upstream: string }

/**
 * What would happen to `call` at `quote` now. A price set per call (or in a currency the registry
 * does not know) can only be blocked by the pause; otherwise it is the user's to approve unless a
 * rule or lease pays whatever it costs (which none does).
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Outlook from './Outlook.js'
 *
 * const db = Database.open(':memory:')
 * const context = { host: 'Cursor', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' } as const
 * const quote = { method: 'evm', intent: 'charge', amountAtomic: 10_000n, currency: '8453:0x…', symbol: 'USDC', decimals: 6, budgetUnit: 'usd', budgetAmount: 10_000n }
 * Outlook.verdict(db, Outlook.policy(db), context, quote, new Date()) // { kind: 'asks' }: no rule pays it
 * ```
 */
export function verdict(db: Database, policy: Policy, context: Scope.Context, quote: Quote.Quote, now: Date): Verdict {
  if (policy.settings.paused) return { kind: 'blocked', clause: Message.clause('paused') }
  if (!Quote.priced(quote)) return { kind: 'asks' }
  const price: Message.Price = { amount: quote.amountAtomic, decimals: quote.decimals, symbol: quote.symbol, budgetUnit: quote.budgetUnit }
  const rules = Rules.matching(policy.rules, context, quote.budgetUnit)
  const limit = rules.find((rule) => rule.kind === 'limit' && quote.budgetAmount > rule.amount)
  if (limit) return { kind: 'blocked', clause: Message.overLimit(limit.amount, price, limit) }
  const usages = Budgets.usages(db, { budgets: policy.budgets, context, unit: quote.budgetUnit, now })
  const over = Budgets.exceeded(usages, quote.budgetAmount)
  if (over) return { kind: 'blocked', clause: Message.budgetExceeded(over.budget, over.remaining, price) }
  const known = policy.known(context.upstream)
  const lease = policy.leases.find(
    (lease) => lease.unit === quote.budgetUnit && Scope.includes(lease, context) && lease.amount - lease.spent >= quote.budgetAmount,
  )
  if (known && lease) return { kind: 'pays' }
  const rule = rules.find((rule) => rule.kind === 'auto_approve')
  if (known && rule && quote.budgetAmount <= rule.amount) return { kind: 'pays' }
  return { kind: 'asks' }
}

/** The user's standing choices, read once for several forecasts. */
export type Policy = {
  settings: Settings.Settings
  rules: readonly Rules.Rule[]
  budgets: readonly Budgets.Budget[]
  leases: readonly Leases.Lease[]
  /** Whether a payment to the server needs no first-time approval (it was paid before, or a rule or lease names it). */
  known(upstream: string): boolean
}

export function policy(db: Database, now = Date.now()): Policy {
  const rules = Rules.list(db)
  const leases = Leases.list(db, { activeAt: now })
  // Asked for every priced call of a server's list: answered once per server.
  const knownServers = new Map<string, boolean>()
  return {
    settings: Settings.get(db),
    rules,
    budgets: Budgets.list(db),
    leases,
    known(upstream) {
      let known = knownServers.get(upstream)
      if (known === undefined) knownServers.set(upstream, (known = KnownServer.known(db, rules, upstream, now)))
      return known
    },
  }
}

/**
 * The sentence appended to a paid tool's description: its price and what Allowance does with it.
 *
 * @example
 * ```ts
 * import * as Outlook from './Outlook.js'
 *
 * Outlook.note({ method: 'evm', intent: 'charge', amountAtomic: 10_000n, currency: '8453:0x…', symbol: 'USDC', decimals: 6, budgetUnit: 'usd', budgetAmount: 10_000n }, { kind: 'pays' })
 * // 'Costs about 0.01 USDC per call; Allowance pays it within your rules.'
 * ```
 */
export function note(quote: Quote.Quote, verdict: Verdict): string | undefined {
  if (quote.amountAtomic !== null && !Quote.priced(quote)) return undefined // a currency Allowance cannot name
  const cost = quote.amountAtomic === null ? 'Its price is set per call' : `Costs about ${Quote.describe(quote)} per call`
  switch (verdict.kind) {
    case 'pays':
      return `${cost}; Allowance pays it within your rules.`
    case 'asks':
      return `${cost}; Allowance asks the user to approve each payment.`
    case 'blocked':
      return `${cost}; Allowance will not pay it now: ${verdict.clause}.`
  }
}

/**
 * The notes for every tool of a server whose price is known (the live price where there is one,
 * else the advertised one), by tool name.
 */
export function toolNotes(db: Database, who: Who, now: Date): Record<string, string> {
  const prices = Prices.current(Prices.list(db, who.upstream))
  if (prices.size === 0) return {}
  const read = policy(db, now.getTime())
  const notes: Record<string, string> = {}
  for (const price of prices.values()) {
    if (price.operation !== 'tools/call') continue
    const context: Scope.Context = { host: who.host, upstream: who.upstream, operation: price.operation, target: price.target }
    const text = note(price, verdict(db, read, context, price, now))
    if (text) notes[price.target] = text
  }
  return notes
}

/**
 * What the read-only status tool tells the agent about one server: whether payments are paused,
 * what each budget covering the server has left, which calls are paid without asking and which
 * need the user, and the known prices. Nothing in it approves, changes or reveals a secret (no
 * address, key, credential or balance).
 */
export function status(db: Database, who: Who, registry: TokenRegistry.Registry, now: Date): string {
  const read = policy(db, now.getTime())
  const label = Scope.upstreamLabel(who.upstream)
  const lines = [`Allowance, for ${label} (read-only: nothing here can approve a payment or change a rule):`]
  if (read.settings.paused) lines.push('- Payments are paused: every payment is declined until the user resumes them.')
  const serverScope: Scope.Context = { host: who.host, upstream: who.upstream, operation: 'tools/call', target: '' }
  const budgets = read.budgets.filter((budget) => budget.target === null && Scope.includes(budget, serverScope))
  const targeted = read.budgets.filter((budget) => budget.target !== null && budget.upstream === who.upstream && (budget.host === null || budget.host === who.host))
  const money = (amount: bigint, unit: string) => Units.format(amount, unit, registry)
  for (const budget of [...budgets, ...targeted]) {
    const { remaining, end } = Budgets.usage(db, budget, now)
    lines.push(
      `- ${capital(Period.possessive(budget.period))} budget for ${Scope.describe(budget)}: ${money(remaining, budget.unit)} of ${money(budget.amount, budget.unit)} left, until ${new Date(end).toISOString()}.`,
    )
  }
  if (budgets.length + targeted.length === 0) lines.push('- No budget caps payments to this server.')
  const rules = Rules.matching(read.rules, serverScope, 'usd').filter((rule) => rule.target === null)
  const auto = rules.find((rule) => rule.kind === 'auto_approve')
  const limit = rules.find((rule) => rule.kind === 'limit')
  const lease = read.leases.find((lease) => lease.target === null && Scope.includes(lease, serverScope))
  if (lease) lines.push(`- A lease pays this server without asking until ${new Date(lease.expiresAt).toISOString()}, ${money(lease.amount - lease.spent, lease.unit)} left on it.`)
  if (auto) lines.push(`- Calls up to ${money(auto.amount, auto.unit)} are paid by the user's rule without asking; dearer ones wait for the user's approval.`)
  else if (!lease) lines.push('- Every payment waits for the user to approve it in Allowance (no rule pays this server by itself).')
  if (!read.known(who.upstream)) lines.push('- The first payment to this server waits for the user, whatever the rules say.')
  if (limit) lines.push(`- Calls above ${money(limit.amount, limit.unit)} are declined.`)
  const prices = [...Prices.current(Prices.list(db, who.upstream)).values()].filter((price) => price.operation === 'tools/call')
  if (prices.length) {
    lines.push('- Known prices:')
    for (const price of prices.slice(0, 50)) {
      const context: Scope.Context = { host: who.host, upstream: who.upstream, operation: price.operation, target: price.target }
      const outcome = verdict(db, read, context, price, now)
      const what = outcome.kind === 'pays' ? 'paid without asking' : outcome.kind === 'asks' ? 'the user approves' : `declined: ${outcome.clause}`
      lines.push(`  - \`${price.target}\`: ${Quote.describe(price)} (${what})`)
    }
  }
  return lines.join('\n')
}

function capital(text: string): string {
  return `${text[0]!.toUpperCase()}${text.slice(1)}`
}
