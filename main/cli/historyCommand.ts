import * as Payments from '../ledger/Payments.js'
import * as PaymentRecord from '../ledger/PaymentRecord.js'
import * as Period from '../ledger/Period.js'
import * as Scope from '../ledger/Scope.js'
import * as Amount from '../payments/Amount.js'
import * as Ledger from './Ledger.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
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

/** `allowance history`: the ledger's payment rows, filtered, as a table, JSON or CSV. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 0, usage)
  if (values.json && values.csv) throw new UsageError('give --json or --csv, not both.', usage)
  const filters: Payments.list.Filters = {
    ...(values.server !== undefined && { upstream: Scope.upstream(values.server) }),
    ...(values.host !== undefined && { host: values.host }),
    ...(values.tool !== undefined && { operation: 'tools/call', target: values.tool }),
    ...(values.status !== undefined && { states: Options.check(usage, () => Payments.readStates(values.status!)) }),
    ...(values.since !== undefined && { since: readTime(values.since, 'since') }),
    ...(values.until !== undefined && { until: readTime(values.until, 'until') }),
    ...(values.limit !== undefined && { limit: Options.count(values.limit, 'limit', 1_000_000, usage) }),
  }
  if (filters.since !== undefined && filters.until !== undefined && filters.since >= filters.until) throw new UsageError('--since must come before --until.', usage)

  const registry = Ledger.registry()
  const rows = Ledger.use((db) => Payments.list(db, filters))
  if (values.json) console.log(Output.json(rows.map(PaymentRecord.from)))
  else if (values.csv) console.log(PaymentRecord.csv(rows))
  else if (rows.length === 0) console.log('No payments match.')
  else {
    const cells = rows.map((row) => [
      String(row.id),
      Output.time(row.createdAt),
      row.state,
      row.host,
      row.upstream,
      Scope.call(row.operation, row.target),
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

function readTime(text: string, flag: 'since' | 'until'): number {
  try {
    return Period.readTime(text, flag)
  } catch (error) {
    throw new UsageError(`--${flag}: ${(error as Error).message}`, usage)
  }
}
