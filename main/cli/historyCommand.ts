import * as DecisionWords from '../approvals/DecisionWords.js'
import * as HistoryFilter from '../ledger/HistoryFilter.js'
import * as Payments from '../ledger/Payments.js'
import * as PaymentRecord from '../ledger/PaymentRecord.js'
import * as Scope from '../ledger/Scope.js'
import * as Spend from '../ledger/Spend.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Money from './Money.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
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
  search: { type: 'string' },
  limit: { type: 'string' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance history [--json | --csv] [--server URL] [--host NAME] [--tool NAME] [--status STATE[,STATE…]] [--since DATE] [--until DATE] [--search TEXT] [--limit N]'],
  about: 'The payments ledger, newest first: every payment asked for, what was decided, and what the chain (or Stripe) confirmed.',
  options: [
    ['--json', 'the rows as JSON, amounts as exact atomic integers'],
    ['--csv', 'the rows as CSV, for a spreadsheet'],
    ['--server URL', "only this server: its URL, or a local server's command line"],
    ['--host NAME', 'only calls from this agent host'],
    ['--tool NAME', 'only calls of this tool'],
    ['--status STATE', 'only rows in these states, comma-separated: requested, approved, declined,\nsigned, sent, accepted, confirmed, failed or unconfirmed'],
    ['--since DATE', 'from DATE: YYYY-MM-DD (local time) or an ISO 8601 time'],
    ['--until DATE', 'up to DATE, that whole day for YYYY-MM-DD'],
    ['--search TEXT', 'only rows with TEXT in the call, server, host, recipient, receipt or\ntransaction reference or challenge id, or payment TEXT (12 or #12)'],
    ['--limit N', 'at most N rows'],
  ],
  examples: ['allowance history --since 2026-03-01 --status confirmed', 'allowance history --csv > spend.csv'],
})

/** `allowance history`: the ledger's payment rows, filtered, as a table, JSON or CSV. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 0)
  if (values.json && values.csv) throw new UsageError('give --json or --csv, not both.')
  const selected = readFilters({
    server: values.server,
    host: values.host,
    ...(values.tool !== undefined && { operation: 'tools/call', target: values.tool }),
    status: values.status,
    since: values.since,
    until: values.until,
    search: values.search,
  })
  const limit = values.limit === undefined ? undefined : Options.count(values.limit, 'limit', 1_000_000)

  const { rows, count, totals } = LedgerAccess.use((db) => {
    const rows = Payments.list(db, { ...selected, ...(limit !== undefined && { limit }) })
    return { rows, count: limit === undefined ? rows.length : Payments.count(db, selected), totals: Spend.totals(db, selected) }
  })
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
      row.details ? PaymentRecord.amountText(row.details) : '',
      row.protocol === 'x402' ? ['x402', row.details?.scheme].filter(Boolean).join(' ') : 'MPP',
      row.decidedBy ? DecisionWords.who(row.decidedBy) : '',
      DecisionWords.reason(row) ?? '',
    ])
    console.log(Output.table(['id', 'time', 'state', 'host', 'server', 'call', 'amount', 'protocol', 'decided by', 'reason'], cells))
    // What the payments the filter selects spent or committed, per budget unit: money that moved or may have moved.
    const spent = [...totals].map(([unit, total]) => Money.format(total, unit)).join(', ') || 'nothing'
    const payments = `${count} payment${count === 1 ? '' : 's'}`
    const listed = count > rows.length ? `${rows.length} of ${payments} shown (the newest); all ${count}` : `${payments};`
    console.log(`\n${listed} spent or held, fees included (all but declined and failed): ${spent}`)
  }
  return 0
}

/** The filter, or a usage error naming the option that is wrong. */
function readFilters(words: HistoryFilter.read.Words): Omit<Payments.list.Filters, 'limit'> {
  try {
    return HistoryFilter.read(words)
  } catch (error) {
    if (!(error instanceof HistoryFilter.FilterError)) throw error
    const message = error.field === 'range' ? '--since must come before --until.' : error.field === 'status' ? error.message : `--${error.field}: ${error.message}`
    throw new UsageError(message)
  }
}
