import { useState } from 'react'
import * as Api from './Api.js'
import { Address } from './Address.js'
import { HistoryFilters } from './HistoryFilters.js'
import { PaymentDetails } from './PaymentDetails.js'
import { PeriodTotals } from './PeriodTotals.js'
import { RelativeTime } from './RelativeTime.js'
import { SpendChart } from './SpendChart.js'
import { useLoaded } from './useLoaded.js'

/**
 * Payments, filtered by the companion's ledger (search, server, host, call, state, dates): what the
 * selection spent, this and last week's and month's spend per server or host, a daily chart per
 * server, the newest rows, their details, and the whole
 * selection as a CSV download with the columns of `allowance history --csv`. It reads again
 * whenever a payment is decided, accepted or confirmed.
 */
export function HistoryView(props: { changes: number; /** A payment whose details open at once (a link to its row). */ opened?: number }) {
  const [filter, setFilter] = useState<Api.HistoryFilter>({})
  const history = useLoaded(() => Api.history(filter), [filter, props.changes])
  const choices = useLoaded(Api.historyChoices, [props.changes])
  const [open, setOpen] = useState(props.opened)
  const [exportProblem, setExportProblem] = useState<string>()
  const page = history.value

  const download = () =>
    Api.historyCsv(filter).then(({ filename, csv }) => {
      setExportProblem(undefined)
      const link = document.createElement('a')
      link.href = URL.createObjectURL(new Blob([csv], { type: 'text/csv;charset=utf-8' }))
      link.download = filename
      link.click()
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000)
    }, (error: Error) => setExportProblem(error.message))

  return (
    <section className="screen" aria-label="History">
      <HistoryFilters filter={filter} choices={choices.value} onChange={setFilter} />
      {history.problem && <p role="alert" className="problem">{history.problem}</p>}
      {!page && !history.problem && <p className="empty">Loading…</p>}
      {page && (
        <>
          <div className="summary">
            <p className="totals">
              <strong>{page.count}</strong> payment{page.count === 1 ? '' : 's'} · spent {page.totals.length ? page.totals.join(' + ') : 'nothing'}
            </p>
            <button type="button" onClick={() => void download()} disabled={page.count === 0}>
              Export CSV
            </button>
          </div>
          {exportProblem && <p role="alert" className="problem">{exportProblem}</p>}
          {page.periods.byServer.length > 0 && <PeriodTotals spend={page.periods} />}
          {page.charts.map((chart) => (
            <SpendChart key={chart.unit.key} chart={chart} />
          ))}
          {page.rows.length === 0 ? (
            <p className="empty">
              {Object.values(filter).some(Boolean) ? 'No payments match.' : 'No payments yet. When an agent asks to pay for a tool, the payment is listed here, whatever the answer.'}
            </p>
          ) : (
            <table className="history" aria-label="Payment history">
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">State</th>
                  <th scope="col" className="money">Amount</th>
                  <th scope="col">Protocol</th>
                  <th scope="col">Call</th>
                  <th scope="col">Server</th>
                  <th scope="col">Host</th>
                  <th scope="col">Transaction</th>
                  <th scope="col"><span className="visually-hidden">Details</span></th>
                </tr>
              </thead>
              <tbody>
                {page.rows.map((row) => (
                  <tr key={row.id} className={`payment ${row.state}`}>
                    <td>
                      <RelativeTime at={row.createdAt} />
                    </td>
                    <td>
                      <span className={`state ${row.state}`}>{row.state}</span>
                      {row.warning && <div role="alert" className="problem">⚠ {row.warning}</div>}
                      {!row.warning && row.reason && <div className="muted">{row.reason}</div>}
                    </td>
                    <td className="money">
                      {row.settledAmount ? <><s>{row.amount}</s> {row.settledAmount}</> : (row.amount ?? '—')}
                      {row.fee && <div className="muted">+ {row.fee} fee</div>}
                      {row.session && <div className="muted">{row.session}</div>}
                    </td>
                    <td title={row.paysWith ?? undefined}>{row.protocol}</td>
                    <td>
                      <code>{row.target}</code>
                    </td>
                    <td>{row.server}</td>
                    <td>{row.host}</td>
                    <td>{row.reference ? <Address value={row.reference} label={`transaction of payment ${row.id}`} /> : '—'}</td>
                    <td>
                      <button type="button" className="link" onClick={() => setOpen(row.id)} aria-label={`Details of payment ${row.id}`}>
                        Details
                      </button>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
          {page.count > page.rows.length && (
            <p className="muted">
              The newest {page.rows.length} of {page.count} are listed; Export CSV has them all.
            </p>
          )}
        </>
      )}
      {open !== undefined && <PaymentDetails id={open} changes={props.changes} onClose={() => setOpen(undefined)} />}
    </section>
  )
}
