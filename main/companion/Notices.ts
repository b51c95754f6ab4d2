import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Period from '../ledger/Period.js'
import * as Scope from '../ledger/Scope.js'
import * as Amount from '../payments/Amount.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import type { PaymentEvent } from './Companion.js'

/**
 * When the companion tells the user something without being asked, and in which words. Only what
 * they did not see happen: payments their rules and leases made (a payment they clicked for, they
 * saw), a budget reaching 80 % and then 100 %, once each per period, a payment no check could
 * confirm, and what the companion warns of itself (a balance running low, a payment short of funds,
 * a failing card: Funds.ts). The desktop app shows these as native notifications.
 */
export type Notice = { title: string; body: string }

export type Source = {
  db: Database
  registry: TokenRegistry.Registry
  onPayment(listener: (event: PaymentEvent) => void): () => void
  /** What the companion tells on its own: money running out, a failing card (Funds.ts). */
  onNotice?(listener: (notice: Notice) => void): () => void
}

/** Payments confirmed within this window make one notice. */
export const gatherMs = 1500

/** Follows the companion's payment events and hands each notice to `send`; returns the way to stop. */
export function start(companion: Source, send: (notice: Notice) => void): () => void {
  const { db } = companion
  /** The level each budget was told in its current period, by `<budget id>:<period start>`. */
  const told = new Map<string, Level>()
  let confirmed: number[] = []
  let gathering: NodeJS.Timeout | undefined

  const checkBudgets = (paymentId: number) => {
    const row = Payments.get(db, paymentId)
    if (!row?.details) return
    const now = new Date()
    for (const budget of Budgets.matching(db, row, row.details.budgetUnit)) {
      const { used, start } = Budgets.usage(db, budget, now)
      const key = `${budget.id}:${start}`
      const before = used > row.details.budgetAmount ? used - row.details.budgetAmount : 0n
      const result = forBudget(budget, { before, after: used, told: told.get(key) }, companion.registry)
      if (!result) continue
      told.set(key, result.level)
      send(result.notice)
    }
  }

  const tellConfirmed = () => {
    gathering = undefined
    const rows = confirmed.flatMap((id) => Payments.get(db, id) ?? [])
    confirmed = []
    const notice = forPayments(rows, companion.registry)
    if (notice) send(notice)
  }

  // The companion logs a listener's failure and carries on with the payment.
  const stop = companion.onPayment((event) => {
    if (event.stage === 'approved') checkBudgets(event.paymentId)
    if (event.stage === 'unconfirmed') {
      const row = Payments.get(db, event.paymentId)
      if (row) send(forUnconfirmed(row))
    }
    if (event.stage === 'confirmed') {
      confirmed.push(event.paymentId)
      gathering ??= setTimeout(tellConfirmed, gatherMs)
    }
  })
  const stopNotices = companion.onNotice?.(send)
  return () => {
    stop()
    stopNotices?.()
    clearTimeout(gathering)
  }
}

/** Made by a standing rule or a lease, not by a human click. */
function byRuleOrLease(decidedBy: string | null): boolean {
  return decidedBy !== null && /^(rule|lease):/.test(decidedBy)
}

/**
 * One notice for payments just confirmed on chain (or by Stripe), or nothing when none was made by a rule or lease.
 * Several at once (an agent working through a list) make one summary, not a notice each.
 */
export function forPayments(rows: readonly Payments.Row[], registry: TokenRegistry.Registry): Notice | undefined {
  const paid = rows.filter((row) => row.state === 'confirmed' && row.details && byRuleOrLease(row.decidedBy))
  const [first] = paid
  if (!first) return undefined
  if (paid.length === 1) {
    const details = first.details!
    const how = first.decidedBy!.startsWith('lease:') ? 'under your lease' : 'by your rule'
    return { title: `Paid ${Amount.formatWithSymbol(details.amountAtomic, details)} ${how}`, body: `${first.target} on ${Scope.upstreamLabel(first.upstream)}, for ${first.host}` }
  }
  const totals = new Map<string, bigint>()
  for (const { details } of paid) totals.set(details!.budgetUnit, (totals.get(details!.budgetUnit) ?? 0n) + details!.budgetAmount)
  const servers = [...new Set(paid.map((row) => Scope.upstreamLabel(row.upstream)))]
  const spent = [...totals].map(([unit, total]) => Units.format(total, unit, registry)).join(' and ')
  return { title: `Paid ${paid.length} times by your rules and leases`, body: `${spent} in all, on ${servers.slice(0, 3).join(', ')}${servers.length > 3 ? ` and ${servers.length - 3} more` : ''}` }
}

/** How much of a budget is used, as the thresholds the user hears about. */
export type Level = 80 | 100

export function level(used: bigint, amount: bigint): Level | undefined {
  if (amount <= 0n) return undefined // a zero budget blocks; there is nothing to count down
  if (used >= amount) return 100
  return used * 100n >= amount * 80n ? 80 : undefined
}

/**
 * The notice for a budget after a payment it covers: when that payment took its use across 80 %
 * or 100 % (`before` → `after`, in the budget's unit) and that level was not told this period
 * yet (`told`). Otherwise nothing, so a budget speaks at most twice per period.
 */
export function forBudget(
  budget: Budgets.Budget,
  usage: { before: bigint; after: bigint; told: Level | undefined },
  registry: TokenRegistry.Registry,
): { notice: Notice; level: Level } | undefined {
  const reached = level(usage.after, budget.amount)
  if (!reached || (level(usage.before, budget.amount) ?? 0) >= reached || (usage.told ?? 0) >= reached) return undefined
  const money = (atomic: bigint) => Units.format(atomic, budget.unit, registry)
  const whose = Period.possessive(budget.period)
  const name = budget.label ? `${whose} budget "${budget.label}"` : `${whose} budget`
  const used = `${money(usage.after)} of ${money(budget.amount)} for ${Scope.describe(budget)}`
  const notice =
    reached === 100
      ? { title: `${name[0]!.toUpperCase()}${name.slice(1)} is spent`, body: `${used}. Payments it covers are declined until it refills.` }
      : { title: `80% of ${name} is used`, body: `${used}; ${money(budget.amount - usage.after)} left.` }
  return { notice, level: reached }
}

/**
 * The warning for a payment whose credential left but that no check could confirm: money may have
 * moved, and it counts against budgets until the user looks.
 */
export function forUnconfirmed(row: Payments.Row): Notice {
  const price = row.details ? `${Amount.formatWithSymbol(row.details.amountAtomic, row.details)} ` : ''
  return { title: `A payment of ${price}could not be confirmed`, body: `${row.target} on ${Scope.upstreamLabel(row.upstream)}: ${row.error ?? 'no transaction was found'}. Check it in History.` }
}
