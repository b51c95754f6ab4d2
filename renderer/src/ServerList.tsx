import { useId } from 'react'
import type * as Api from './Api.js'
import { RelativeTime } from './RelativeTime.js'
import type { Change } from './useChange.js'

type Server = Api.ServersView['servers'][number]

/**
 * Each server agents pay or can reach: what it was paid, its last payments, the host entries that
 * reach it, what its calls cost (with where each price came from and when), and the user's choices
 * for it.
 */
export function ServerList(props: { servers: Api.ServersView['servers']; change: Change; setSettings(settings: Api.ServerSettingsRequest): void }) {
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
          <Prices server={server} />
          <fieldset className="server-settings">
            <legend>What the agent sees</legend>
            <label>
              <input
                type="checkbox"
                checked={server.settings.describePrices}
                disabled={props.change.busy}
                onChange={(event) => props.setSettings({ upstream: server.upstream, describePrices: event.target.checked })}
              />{' '}
              Prices in the agent's tool list
            </label>
            <label>
              <input
                type="checkbox"
                checked={server.settings.statusTool}
                disabled={props.change.busy}
                onChange={(event) => props.setSettings({ upstream: server.upstream, statusTool: event.target.checked })}
              />{' '}
              A read-only status tool (the budget left, which calls need you)
            </label>
          </fieldset>
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

const sourceWords = { discovery: 'its discovery document', challenge: 'what it last asked', x402: 'an x402 offer' } as const

/** What the server's calls cost, each source on its line with when it was seen; prices are advisory, the live request decides. */
function Prices(props: { server: Server }) {
  const { prices, discovery } = props.server
  return (
    <>
      {discovery && (
        <p className={discovery.outcome === 'ignored' ? 'problem' : 'muted'}>
          {discovery.outcome === 'found' && 'Publishes its prices'}
          {discovery.outcome === 'none' && 'Publishes no discovery document'}
          {discovery.outcome === 'ignored' && `Its discovery document was ignored: ${discovery.problem ?? 'unusable'}`} (<code>{discovery.url}</code>, looked at{' '}
          <RelativeTime at={discovery.checkedAt} />)
        </p>
      )}
      {prices.length > 0 && (
        <table aria-label={`Prices of ${props.server.label}`}>
          <thead>
            <tr>
              <th scope="col">Call</th>
              <th scope="col" className="money">Price</th>
              <th scope="col">From</th>
              <th scope="col">Seen</th>
            </tr>
          </thead>
          <tbody>
            {prices.map((price) => (
              <tr key={`${price.operation} ${price.target} ${price.source}`} className={price.inForce ? 'in-force' : 'muted'}>
                <td>
                  <code>{price.target}</code>
                </td>
                <td className="money">
                  {price.price}
                  {price.aboveAdvertised && <span className="badge problem">more than advertised</span>}
                </td>
                <td>{sourceWords[price.source]}</td>
                <td>
                  <RelativeTime at={price.seenAt} />
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
    </>
  )
}
