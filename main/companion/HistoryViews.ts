import * as DecisionWords from '../approvals/DecisionWords.js'
import type { Database } from '../ledger/Database.js'
import * as PaymentRecord from '../ledger/PaymentRecord.js'
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
import type { Choices, History, HistoryRow, PaymentDetails, PeriodGroup, PeriodSpend, SpendChart } from '../uiapi/Contract.js'

/**
 * The History screen as plain JSON: the payment rows a filter selects, what they spent per budget
 * unit, a daily spend chart per server, and one payment's details (their shapes are the UI API's
 * contract, uiapi/Contract.ts). Amounts are formatted here from the ledger's BigInt atomic amounts
 * and the companion's registry.
 */

export function history(db: Database, registry: TokenRegistry.Registry, filters: Spend.Filters, limit: number, now: Date): History {
  const rows = Payments.list(db, { ...filters, limit }).map(row)
  const totals = [...Spend.totals(db, filters)].map(([unit, total]) => Units.format(total, unit, registry))
  return { rows, count: Payments.count(db, filters), totals, charts: charts(db, registry, filters, now), periods: periods(db, registry, filters, now) }
}

function periods(db: Database, registry: TokenRegistry.Registry, filters: Spend.Filters, now: Date): PeriodSpend {
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

function charts(db: Database, registry: TokenRegistry.Registry, filters: Spend.Filters, now: Date): SpendChart[] {
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
    amount: payment.details ? PaymentRecord.amountText(payment.details) : null,
    fee: feeText(payment.fee),
    settledAmount:
      payment.details && payment.settledAmountAtomic !== null && payment.settledAmountAtomic !== payment.details.amountAtomic
        ? Amount.formatWithSymbol(payment.settledAmountAtomic, payment.details)
        : null,
    session: sessionWords(payment),
    method: payment.details?.method ?? null,
    protocol: payment.protocol === 'x402' ? 'x402' : 'MPP',
    paysWith: payment.details && Methods.describe(payment.details),
    chainId: payment.details?.chainId ?? null,
    recipient: payment.details?.recipient ?? null,
    // An identity proof has no transaction (its check records none): its server's receipt is its reference.
    reference: payment.transactionReference || payment.receiptReference,
    warning: payment.state === 'unconfirmed' || (payment.state === 'confirmed' && payment.error !== null) ? (payment.error ? ErrorWords.plain(payment.error) : 'Money may have moved.') : null,
    decidedBy: payment.decidedBy && DecisionWords.who(payment.decidedBy),
    reason: DecisionWords.reason(payment),
  }
}

/** What a session's row is: its deposit, a top-up, or a call's voucher with the cumulative amount it signed. */
function sessionWords(payment: Payments.Row): string | null {
  const { details, evidence } = payment
  if (details?.intent !== 'session' || !evidence) return null
  if (evidence.action === 'open') return 'Deposit locked in escrow'
  if (evidence.action === 'topUp') return 'Top-up of the escrow'
  if (evidence.action !== 'voucher' || typeof evidence.cumulative !== 'string') return null
  return `Voucher: ${Amount.formatWithSymbol(BigInt(evidence.cumulative), details)} paid in this session so far`
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

export function choices(db: Database): Choices {
  const seen = Payments.seen(db)
  const calls = new Map(seen.calls.map(({ operation, target }) => [`${operation} ${target}`, { operation, target, label: Scope.call(operation, target) }]))
  return { hosts: seen.hosts, servers: seen.upstreams.map((upstream) => ({ upstream, label: Scope.upstreamLabel(upstream) })), calls: [...calls.values()] }
}
