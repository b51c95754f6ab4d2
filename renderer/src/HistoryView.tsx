import { useEffect, useState } from 'react'
import * as Api from './Api.js'
import { Address } from './Address.js'

/** How often the list is read again: a payment settles after its approval, with no event of its own. */
const refreshMs = 1000

/** Recent payments, newest first: when, state, amount, what for, and the settlement's reference. */
export function HistoryView(props: { changes: number }) {
  const [rows, setRows] = useState<Api.HistoryRow[]>()
  const [problem, setProblem] = useState<string>()
  useEffect(() => {
    let live = true
    const load = () =>
      Api.history().then(
        (list) => {
          if (!live) return
          setRows(list)
          setProblem(undefined)
        },
        (error: Error) => live && setProblem(error.message),
      )
    void load()
    const timer = setInterval(load, refreshMs)
    return () => {
      live = false
      clearInterval(timer)
    }
  }, [props.changes])

  if (problem) return <p role="alert" className="problem">{problem}</p>
  if (!rows) return <p className="empty">Loading…</p>
  if (rows.length === 0) return <p className="empty">No payments yet.</p>
  return (
    <table className="history" aria-label="Payment history">
      <thead>
        <tr>
          <th scope="col">Time</th>
          <th scope="col">State</th>
          <th scope="col">Amount</th>
          <th scope="col">Call</th>
          <th scope="col">Server</th>
          <th scope="col">Host</th>
          <th scope="col">Transaction</th>
        </tr>
      </thead>
      <tbody>
        {rows.map((row) => (
          <tr key={row.id}>
            <td>{new Date(row.createdAt).toLocaleString()}</td>
            <td>
              <span className={`state ${row.state}`}>{row.state}</span>
              {row.reason && <div className="muted">{row.reason.replaceAll('_', ' ')}</div>}
            </td>
            <td className="money">{row.amount ?? '—'}</td>
            <td>
              <code>{row.target}</code>
            </td>
            <td>{row.server}</td>
            <td>{row.host}</td>
            <td>{row.reference ? <Address value={row.reference} label={`transaction of payment ${row.id}`} /> : '—'}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
