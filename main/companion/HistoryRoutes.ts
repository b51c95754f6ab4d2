import * as PaymentRecord from '../ledger/PaymentRecord.js'
import * as HistoryFilter from '../ledger/HistoryFilter.js'
import * as Payments from '../ledger/Payments.js'
import * as Scope from '../ledger/Scope.js'
import type * as Spend from '../ledger/Spend.js'
import { historyFilterWords, type HistoryCsv } from '../uiapi/Contract.js'
import type { Companion } from './Companion.js'
import * as HistoryViews from './HistoryViews.js'
import { input, notFound, ok, RouteError, type Route } from './UiRoute.js'

/**
 * The History screen's endpoints. The filter travels in the query, as `allowance history` takes it:
 * `server` (the upstream as the bridge names it), `host`, `operation` with `target`, `status`
 * (states, comma-separated), `since` and `until` (YYYY-MM-DD in local time, `until` included, or
 * ISO 8601 times), `search` (text in the call, server, host, recipient or references, or a
 * payment id). The ledger filters; the page never sees the rows it did not ask for.
 *
 * - `GET /api/history?…&limit=N`: the newest N rows (default 100, at most 1,000), the count, totals,
 *   charts, and this and last week's and month's spend per server and per host
 * - `GET /api/history/csv?…`: every selected row, with the columns of `allowance history --csv`
 * - `GET /api/history/choices`: the hosts, servers and calls to filter by
 * - `GET /api/history/:id`: one payment's details
 */
export function routes(companion: Companion): Route[] {
  return [
    {
      method: 'GET',
      path: /^\/api\/history$/,
      answer({ query }) {
        const limit = Number(query.get('limit') ?? 100)
        if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) throw new RouteError(400, 'limit is a whole number from 1 to 1000.')
        return ok(HistoryViews.history(companion.db, companion.registry, filters(query), limit, new Date()))
      },
    },
    {
      method: 'GET',
      path: /^\/api\/history\/csv$/,
      answer({ query }) {
        const rows = Payments.list(companion.db, filters(query))
        return ok({ filename: `allowance-history-${new Date().toISOString().slice(0, 10)}.csv`, count: rows.length, csv: PaymentRecord.csv(rows) } satisfies HistoryCsv)
      },
    },
    {
      method: 'GET',
      path: /^\/api\/history\/choices$/,
      answer: () => ok(HistoryViews.choices(companion.db)),
    },
    {
      method: 'GET',
      path: /^\/api\/history\/(\d+)$/,
      answer({ params }) {
        const id = Number(params[0])
        const details = HistoryViews.details(companion.db, companion.registry, id)
        if (!details) throw notFound('payment', id)
        return ok(details)
      },
    },
  ]
}

function filters(query: URLSearchParams): Spend.Filters {
  const text = (name: string) => query.get(name)?.trim() || undefined
  const [server, host, operation, target, status, since, until, search] = historyFilterWords.map(text)
  if ((operation === undefined) !== (target === undefined)) throw new RouteError(400, 'Filter a call by its operation and target together.')
  if (operation !== undefined && !Scope.isOperation(operation)) throw new RouteError(400, `Unknown operation "${operation}".`)
  return input(() => HistoryFilter.read({ server, host, operation: operation as Scope.Operation | undefined, target, status, since, until, search }))
}
