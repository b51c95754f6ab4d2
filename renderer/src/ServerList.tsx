import { useId } from 'react'
import type * as Api from './Api.js'
import { RelativeTime } from './RelativeTime.js'

/** Each server agents pay or can reach: what it was paid, its last payments, the host entries that reach it. */
export function ServerList(props: { servers: Api.ServersView['servers'] }) {
  const heading = useId()
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Servers</h2>
      {props.servers.length === 0 && <p className="empty">No paid server yet: add one to an agent host below, or route one of its remote servers through Allowance.</p>}
      {props.servers.map((server) => (
        <article key={server.upstream} className="server" aria-label={server.label}>
          <h3>
            {server.label} <code className="muted">{server.upstream}</code>
          </h3>
          <p>
            {server.payments} payment{server.payments === 1 ? '' : 's'} · paid {server.spent.length ? server.spent.join(' + ') : 'nothing'}
          </p>
          {server.rechallenges > 0 && (
            <p role="alert" className={server.rechallenges >= 3 ? 'problem' : 'muted'}>
              Asked to be paid again {server.rechallenges} time{server.rechallenges === 1 ? '' : 's'} this week after it was sent a payment; Allowance did not pay twice.
            </p>
          )}
          <p className="muted">
            {server.entries.length === 0
              ? 'No agent host on this machine has an entry for it.'
              : `Used by ${server.entries.map((entry) => `${entry.host} ("${entry.name}"${entry.throughAllowance ? '' : ', directly'})`).join(', ')}`}
          </p>
          {server.recent.length > 0 && (
            <table aria-label={`Last payments to ${server.label}`}>
              <thead>
                <tr>
                  <th scope="col">Time</th>
                  <th scope="col">Call</th>
                  <th scope="col">Host</th>
                  <th scope="col" className="money">Amount</th>
                  <th scope="col">State</th>
                </tr>
              </thead>
              <tbody>
                {server.recent.map((row) => (
                  <tr key={row.id} className={`payment ${row.state}`}>
                    <td>
                      <RelativeTime at={row.createdAt} />
                    </td>
                    <td>
                      <code>{row.target}</code>
                    </td>
                    <td>{row.host}</td>
                    <td className="money">{row.amount ?? '—'}</td>
                    <td>
                      <span className={`state ${row.state}`}>{row.state}</span>
                    </td>
                  </tr>
                ))}
              </tbody>
            </table>
          )}
        </article>
      ))}
    </section>
  )
}
