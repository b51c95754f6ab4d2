import * as DecisionWords from '../approvals/DecisionWords.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Period from '../ledger/Period.js'
import * as Scope from '../ledger/Scope.js'
import * as Spend from '../ledger/Spend.js'
import * as Amount from '../payments/Amount.js'
import * as Chains from '../payments/Chains.js'
import * as Methods from '../payments/methods/Methods.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as ErrorWords from '../shared/ErrorWords.js'

/**
 * The History screen as plain JSON: the payment rows a filter selects, what they spent per budget
 * unit, a daily spend chart per server, and one payment's details. Amounts are formatted here
 * from the ledger's BigInt atomic amounts and the companion's registry.
 */

export type Filters = Spend.Filters

export type HistoryRow = {
  id: number
  createdAt: number
  state: Payments.State
  host: string
  server: string
  operation: Scope.Operation
  target: string
  amount: string | null
  /** The network fee the wallet paid (`≤ …` while only its bound is known), in the fee's token. */
  fee: string | null
  /** What actually moved, when a check found less than the amount approved (a seller captured less). */
  settledAmount: string | null
  method: string | null
  /** The payment protocol the server asked in: "MPP" or "x402". */
  protocol: string
  /** What paid: "USDC on Base Sepolia", "Card", "x402 upto · USDC on Base". */
  paysWith: string | null
  chainId: number | null
  recipient: string | null
  /** The transaction (or card charge) the settlement check found, else the server's receipt reference. */
  reference: string | null
  /** A warning for a payment in question: unconfirmed, or confirmed against what the server said. */
  warning: string | null
  /** "you", "your rule", "your lease", "your budget", "Allowance". */
  decidedBy: string | null
  /** Why it was declined or failed, in words. */
  reason: string | null
}

export type History = {
  /** Newest first, at most the limit asked for. */
  rows: HistoryRow[]
  /** How many payments the filter selects in all. */
  count: number
  /** What they spent or hold (everything but declined and failed, fees included), one amount per budget unit: `["$1.25"]`. */
  totals: string[]
  charts: SpendChart[]
  periods: PeriodSpend
}

/**
 * What the selection spent this week, last week, this month and last month (weeks from Monday,
 * in the companion's time zone, as budgets count them), per server and per agent host. An amount
 * is one text per budget unit joined by " + " (`$1.25`; USD-pegged tokens count in US dollars), or
 * "—" where nothing was spent.
 */
export type PeriodSpend = {
  periods: { name: string; start: number; end: number }[]
  byServer: PeriodGroup[]
  byHost: PeriodGroup[]
  /** The whole selection, per period. */
  total: string[]
}

export type PeriodGroup = {
  label: string
  /** The full server (its URL or command line), or the host. */
  name: string
  /** Per period, in the order of `periods`. */
  amounts: string[]
}

/** Spend per local day and server over the filter's range (the last 14 days by default, at most 92), in one budget unit. */
export type SpendChart = {
  unit: Units.Described
  /** Largest total first; `days[].amounts` follow this order. */
  servers: { label: string; total: string }[]
  days: {
    /** `2026-03-04`, in the companion's time zone. */
    day: string
    total: string
    /** Each server's spend that day in atomic units of `unit`, as integer strings. */
    amounts: string[]
  }[]
}

export function history(db: Database, registry: TokenRegistry.Registry, filters: Filters, limit: number, now: Date): History {
  const rows = Payments.list(db, { ...filters, limit }).map(row)
  const totals = [...Spend.totals(db, filters)].map(([unit, total]) => Units.format(total, unit, registry))
  return { rows, count: Payments.count(db, filters), totals, charts: charts(db, registry, filters, now), periods: periods(db, registry, filters, now) }
}

function periods(db: Database, registry: TokenRegistry.Registry, filters: Filters, now: Date): PeriodSpend {
  const week = Period.bounds('week', now)
  const month = Period.bounds('month', now)
  const ranges = [
    { name: 'This week', ...week },
    { name: 'Last week', ...Period.bounds('week', new Date(week.start - 1)) },
    { name: 'This month', ...month },
    { name: 'Last month', ...Period.bounds('month', new Date(month.start - 1)) },
  ]
  const text = (amounts: Map<string, bigint>[]) =>
    amounts.map((byUnit) => [...byUnit].filter(([, total]) => total > 0n).map(([unit, total]) => Units.format(total, unit, registry)).join(' + ') || '—')
  const groups = (by: 'upstream' | 'host', label: (key: string) => string): { groups: PeriodGroup[]; sums: Map<string, bigint>[] } => {
    const byKey = new Map<string, Map<string, bigint>[]>()
    const sums = ranges.map(() => new Map<string, bigint>())
    for (const { key, unit, totals } of Spend.grouped(db, filters, ranges, by)) {
      const amounts = byKey.get(key) ?? ranges.map(() => new Map<string, bigint>())
      byKey.set(key, amounts)
      totals.forEach((total, index) => {
        amounts[index]!.set(unit, total)
        sums[index]!.set(unit, (sums[index]!.get(unit) ?? 0n) + total)
      })
    }
    return { groups: [...byKey].map(([key, amounts]) => ({ label: label(key), name: key, amounts: text(amounts) })), sums }
  }
  const servers = groups('upstream', Scope.upstreamLabel)
  return {
    periods: ranges,
    byServer: servers.groups,
    byHost: groups('host', (host) => host).groups,
    total: text(servers.sums),
  }
}

const defaultDays = 14
const maxDays = 92

function charts(db: Database, registry: TokenRegistry.Registry, filters: Filters, now: Date): SpendChart[] {
  const last = filters.until === undefined ? now : new Date(filters.until - 1)
  const earliest = midnight(last, 1 - maxDays)
  const first = filters.since === undefined ? midnight(last, 1 - defaultDays) : Math.max(midnight(new Date(filters.since)), earliest)
  const days: string[] = []
  for (let offset = 0; midnight(new Date(first), offset) <= last.getTime(); offset++) days.push(dayKey(new Date(midnight(new Date(first), offset))))
  const spend = Spend.daily(db, { ...filters, since: Math.max(filters.since ?? 0, first) })
  return [...new Set(spend.map((entry) => entry.unit))].flatMap((key) => {
    const unit = Units.describe(key, registry)
    if (!unit) return []
    const entries = spend.filter((entry) => entry.unit === key)
    const byServer = new Map<string, bigint>()
    for (const entry of entries) byServer.set(entry.upstream, (byServer.get(entry.upstream) ?? 0n) + entry.total)
    const upstreams = [...byServer].sort(([, a], [, b]) => (a === b ? 0 : a > b ? -1 : 1)).map(([upstream]) => upstream)
    const money = (atomic: bigint) => Amount.formatWithSymbol(atomic, unit)
    const chart: SpendChart = {
      unit,
      servers: upstreams.map((upstream) => ({ label: Scope.upstreamLabel(upstream), total: money(byServer.get(upstream)!) })),
      days: days.map((day) => {
        const amounts = upstreams.map((upstream) => entries.find((entry) => entry.day === day && entry.upstream === upstream)?.total ?? 0n)
        return { day, total: money(amounts.reduce((sum, amount) => sum + amount, 0n)), amounts: amounts.map(String) }
      }),
    }
    return [chart]
  })
}

function feeText(fee: Payments.Fee | null): string | null {
  if (!fee || fee.amountAtomic === 0n) return null
  return `${fee.estimated ? '≤ ' : ''}${Amount.formatWithSymbol(fee.amountAtomic, fee)}`
}

/** Local midnight `offset` days after the day of `date`, in epoch milliseconds. */
function midnight(date: Date, offset = 0): number {
  return new Date(date.getFullYear(), date.getMonth(), date.getDate() + offset).getTime()
}

function dayKey(date: Date): string {
  const two = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())}`
}

/** One payment as the screens list it, its amount formatted from the ledger's atomic amount. */
export function row(payment: Payments.Row): HistoryRow {
  return {
    id: payment.id,
    createdAt: payment.createdAt,
    state: payment.state,
    host: payment.host,
    server: Scope.upstreamLabel(payment.upstream),
    operation: payment.operation,
    target: payment.target,
    amount: payment.details ? Amount.formatWithSymbol(payment.details.amountAtomic, payment.details) : null,
    fee: feeText(payment.fee),
    settledAmount:
      payment.details && payment.settledAmountAtomic !== null && payment.settledAmountAtomic !== payment.details.amountAtomic
        ? Amount.formatWithSymbol(payment.settledAmountAtomic, payment.details)
        : null,
    method: payment.details?.method ?? null,
    protocol: payment.protocol === 'x402' ? 'x402' : 'MPP',
    paysWith: payment.details && Methods.describe(payment.details),
    chainId: payment.details?.chainId ?? null,
    recipient: payment.details?.recipient ?? null,
    reference: payment.transactionReference ?? payment.receiptReference,
    warning: payment.state === 'unconfirmed' || (payment.state === 'confirmed' && payment.error !== null) ? (payment.error ? ErrorWords.plain(payment.error) : 'Money may have moved.') : null,
    decidedBy: payment.decidedBy && DecisionWords.who(payment.decidedBy),
    reason: DecisionWords.reason(payment),
  }
}

export type PaymentDetails = HistoryRow & {
  upstream: string
  realm: string | null
  challengeId: string | null
  intent: string | null
  /** The amount's value in US dollars when its currency is pegged: "$0.25". */
  usd: string | null
  /** "Base Sepolia", "Chain 31337". */
  chain: string | null
  /** The transaction on the chain's block explorer, when the chain has a known one. */
  explorerUrl: string | null
  argumentsPreview: string | null
  /** The server's own words about the payment: untrusted, shown as plain text. */
  description: string | null
  flags: readonly string[]
  /** Who decided, as a sentence: "You declined", "Your rule: pay up to $0.05 a call on tools.example.com". */
  decision: string | null
  decidedAt: number | null
  /** When the server accepted the credential, and when the chain (or Stripe) confirmed the payment. */
  acceptedAt: number | null
  confirmedAt: number | null
  /** The server's receipt reference, which a settlement check may have contradicted. */
  receiptReference: string | null
  /** 1 for the host request's first payment; 2 for one the server asked for after a credential. */
  round: number
  error: string | null
}

export function details(db: Database, registry: TokenRegistry.Registry, id: number): PaymentDetails | undefined {
  const payment = Payments.get(db, id)
  if (!payment) return undefined
  const { details } = payment
  const chainId = details?.chainId ?? null
  return {
    ...row(payment),
    upstream: payment.upstream,
    realm: details?.realm ?? null,
    challengeId: payment.challengeId,
    intent: details?.intent ?? null,
    usd: details && details.budgetUnit === 'usd' ? Amount.formatUsd(details.budgetAmount) : null,
    chain: chainId === null ? null : Chains.name(chainId),
    explorerUrl: chainId === null || !payment.transactionReference ? null : Chains.transactionUrl(chainId, payment.transactionReference),
    argumentsPreview: payment.argumentsPreview,
    description: details?.description ?? null,
    flags: details?.flags ?? [],
    decision: DecisionWords.sentence(db, registry, payment),
    decidedAt: payment.decidedAt,
    acceptedAt: payment.acceptedAt,
    confirmedAt: payment.confirmedAt,
    receiptReference: payment.receiptReference,
    round: payment.round,
    error: payment.error && ErrorWords.plain(payment.error),
  }
}

/** What a history can be filtered by: the hosts, servers and calls the ledger has seen. */
export type Choices = {
  hosts: string[]
  servers: { upstream: string; label: string }[]
  calls: { operation: Scope.Operation; target: string; label: string }[]
}

export function choices(db: Database): Choices {
  const seen = Payments.seen(db)
  const calls = new Map(seen.calls.map(({ operation, target }) => [`${operation} ${target}`, { operation, target, label: Scope.call(operation, target) }]))
  return { hosts: seen.hosts, servers: seen.upstreams.map((upstream) => ({ upstream, label: Scope.upstreamLabel(upstream) })), calls: [...calls.values()] }
}
