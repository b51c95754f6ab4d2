import { useId } from 'react'
import type * as Api from './Api.js'
import type { Change } from './useChange.js'

export type Entry = Api.ServersView['hosts'][number]['files'][number]['servers'][number]

/**
 * Each agent host found on this machine, its config files and their MCP entries: through Allowance,
 * direct (a remote server, which can be routed through Allowance) or local.
 */
export function HostEntries(props: { hosts: Api.ServersView['hosts']; change: Change; route(host: string, entry: Entry, file: string): void }) {
  const heading = useId()
  const installed = props.hosts.filter((config) => config.installed)
  const missing = props.hosts.filter((config) => !config.installed)
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Agent hosts</h2>
      {installed.length === 0 && <p className="empty">No agent host's config file was found on this machine.</p>}
      {installed.map((config) => (
        <article key={config.host.id} className="host" aria-label={config.host.title}>
          <h3>{config.host.title}</h3>
          {config.files
            .filter((file) => file.found)
            .map((file) => (
              <div key={file.path}>
                <p className="muted">
                  <code>{file.path}</code>
                </p>
                {file.error && <p className="problem">The file {file.error}; fix it by hand first.</p>}
                {!file.error && file.servers.length === 0 && <p className="empty">No MCP servers in it.</p>}
                {file.servers.length > 0 && (
                  <table aria-label={`${config.host.title} servers`}>
                    <tbody>
                      {file.servers.map((entry) => (
                        <tr key={entry.name}>
                          <th scope="row">{entry.name}</th>
                          <td>
                            <code>{entry.upstream ?? '—'}</code>
                          </td>
                          <td>{entry.throughAllowance ? <span className="badge">Through Allowance</span> : entry.routable ? 'Direct' : 'Local, not paid'}</td>
                          <td className="row-actions">
                            {!entry.throughAllowance && entry.routable && (
                              <button type="button" disabled={props.change.busy} onClick={() => props.route(config.host.id, entry, file.path)}>
                                Route through Allowance
                              </button>
                            )}
                          </td>
                        </tr>
                      ))}
                    </tbody>
                  </table>
                )}
              </div>
            ))}
        </article>
      ))}
      {missing.length > 0 && <p className="muted">Not found here: {missing.map((config) => config.host.title).join(', ')}.</p>}
    </section>
  )
}
