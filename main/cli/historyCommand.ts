import * as Payments from '../ledger/Payments.js'
import * as Amount from '../payments/Amount.js'
import * as Ledger from './Ledger.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Scopes from './Scopes.js'
import * as Units from '../payments/Units.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = {
  json: { type: 'boolean' },
  csv: { type: 'boolean' },
  server: { type: 'string' },
  host: { type: 'string' },
  tool: { type: 'string' },
  status: { type: 'string' },
  since: { type: 'string' },
  until: { type: 'string' },
  limit: { type: 'string' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance history [--json | --csv] [--server URL] [--host NAME] [--tool NAME] [--status STATE[,STATE…]] [--since DATE] [--until DATE] [--limit N]'],
  about: 'The payments ledger, newest first: every payment asked for, what was decided, and how it settled.',
  options: [
    ['--json', 'the rows as JSON, amounts as exact atomic integers'],
    ['--csv', 'the rows as CSV, for a spreadsheet'],
    ['--server URL', "only this server: its URL, or a local server's command line"],
    ['--host NAME', 'only calls from this agent host'],
    ['--tool NAME', 'only calls of this tool'],
    ['--status STATE', 'only rows in these states, comma-separated: requested, approved, declined,\nsigned, settled, failed or unconfirmed'],
    ['--since DATE', 'from DATE: YYYY-MM-DD (local time) or an ISO 8601 time'],
    ['--until DATE', 'up to DATE, that whole day for YYYY-MM-DD'],
    ['--limit N', 'at most N rows'],
  ],
  examples: ['allowance history --since 2026-03-01 --status settled', 'allowance history --csv > spend.csv'],
})

/** Every column of `--csv` (and every key of `--json`), in order. */
export const columns = [
  'id',
  'created_at',
  'state',
  'host',
  'upstream',
  'operation',
  'target',
  'arguments',
  'method',
  'amount',
  'symbol',
  'amount_atomic',
  'decimals',
  'currency',
  'chain_id',
  'recipient',
  'budget_unit',
  'budget_amount',
  'decision',
  'decided_by',
  'decided_at',
  'decline_reason',
  'receipt_reference',
  'error',
  'settled_at',
] as const

type Entry = { [column in (typeof columns)[number]]: string | number | null }

const states = ['requested', 'approved', 'declined', 'signed', 'settled', 'failed', 'unconfirmed'] as const satisfies readonly Payments.State[]

/** `allowance history`: the ledger's payment rows, filtered, as a table, JSON or CSV. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 0, usage)
  if (values.json && values.csv) throw new UsageError('give --json or --csv, not both.', usage)
  const filters: Payments.list.Filters = {
    ...(values.server !== undefined && { upstream: Scopes.upstream(values.server) }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values.tool !== undefined && { operation: 'tools/call', target: values.tool }),
    ...(values.status !== undefined && { states: readStates(values.status) }),
    ...(values.since !== undefined && { since: readDate(values.since, 'since') }),
    ...(values.until !== undefined && { until: readDate(values.until, 'until') }),
    ...(values.limit !== undefined && { limit: Options.count(values.limit, 'limit', 1_000_000, usage) }),
  }
  if (filters.since !== undefined && filters.until !== undefined && filters.since >= filters.until) throw new UsageError('--since must come before --until.', usage)

  const registry = Ledger.registry()
  const rows = Ledger.use((db) => Payments.list(db, filters))
  if (values.json) console.log(Output.json(rows.map(toRecord)))
  else if (values.csv) console.log(Output.csv(rows.map(toRecord), columns))
  else if (rows.length === 0) console.log('No payments match.')
  else {
    const cells = rows.map((row) => [
      String(row.id),
      Output.time(row.createdAt),
      row.state,
      row.host,
      row.upstream,
      Scopes.call(row.operation, row.target),
      row.details ? Amount.formatWithSymbol(row.details.amountAtomic, row.details) : '',
      row.decidedBy ?? '',
      row.declineReason ?? row.error ?? '',
    ])
    console.log(Output.table(['id', 'time', 'state', 'host', 'server', 'call', 'amount', 'decided by', 'reason'], cells))
    // What the listed rows spent or committed, per budget unit: money that moved or may have moved.
    const totals = new Map<string, bigint>()
    for (const row of rows) {
      if (!row.details || !Payments.reserving.includes(row.state)) continue
      totals.set(row.details.budgetUnit, (totals.get(row.details.budgetUnit) ?? 0n) + row.details.budgetAmount)
    }
    const spent = [...totals].map(([unit, total]) => Units.format(total, unit, registry)).join(', ') || 'nothing'
    console.log(`\n${rows.length} payment${rows.length === 1 ? '' : 's'}; spent (approved, signed, settled or unconfirmed): ${spent}`)
  }
  return 0
}

function toRecord(row: Payments.Row): Entry {
  const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString())
  const details = row.details
  return {
    id: row.id,
    created_at: iso(row.createdAt),
    state: row.state,
    host: row.host,
    upstream: row.upstream,
    operation: row.operation,
    target: row.target,
    arguments: row.argumentsPreview,
    method: details?.method ?? null,
    amount: details ? Amount.format(details.amountAtomic, details.decimals) : null,
    symbol: details?.symbol ?? null,
    amount_atomic: details?.amountAtomic.toString() ?? null,
    decimals: details?.decimals ?? null,
    currency: details?.currency ?? null,
    chain_id: details?.chainId ?? null,
    recipient: details?.recipient ?? null,
    budget_unit: details?.budgetUnit ?? null,
    budget_amount: details?.budgetAmount.toString() ?? null,
    decision: row.decision,
    decided_by: row.decidedBy,
    decided_at: iso(row.decidedAt),
    decline_reason: row.declineReason,
    receipt_reference: row.receiptReference,
    error: row.error,
    settled_at: iso(row.settledAt),
  }
}

function readStates(text: string): Payments.State[] {
  return text.split(',').map((state) => {
    const trimmed = state.trim() as Payments.State
    if (!states.includes(trimmed)) throw new UsageError(`"${state}" is not a payment state (${states.join(', ')}).`, usage)
    return trimmed
  })
}

/** YYYY-MM-DD as local midnight (for --until, the next midnight: the day is included), or an ISO 8601 time. */
function readDate(text: string, flag: 'since' | 'until'): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (day) {
    const [year, month, date] = day.slice(1).map(Number) as [number, number, number]
    const start = new Date(year, month - 1, date)
    if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== date) throw new UsageError(`--${flag}: ${text} is not a date.`, usage)
    return flag === 'until' ? new Date(year, month - 1, date + 1).getTime() : start.getTime()
  }
  const time = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN
  if (Number.isNaN(time)) throw new UsageError(`--${flag} takes a date like 2026-03-04 or a time like 2026-03-04T12:00:00Z, not "${text}".`, usage)
  return time
}
