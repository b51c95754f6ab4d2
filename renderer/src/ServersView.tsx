import { useId } from 'react'
import { AddServerForm } from './AddServerForm.js'
import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { EntryChecks } from './EntryChecks.js'
import { HostEntries, type Entry } from './HostEntries.js'
import { ServerList } from './ServerList.js'
import { SignedInList } from './SignedInList.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

/**
 * The servers agents pay (what each was paid, its last payments, the host entries that reach it)
 * and the agent hosts' MCP entries as `allowance doctor` sees them. "Route through Allowance" and
 * "Add a server to a host" change the host's config file as `allowance install` does, and say
 * when the host must be restarted to see it.
 */
export function ServersView(props: { changes: number }) {
  const change = useChange()
  const view = useLoaded(Api.servers, [props.changes])
  const page = view.value
  const hostChange = (run: () => Promise<Api.HostChange>) =>
    change.run(async () => {
      const answer = await run()
      return { message: answer.restart ? `${answer.message}\n${answer.restart}` : answer.message }
    }, view.reload)
  const route = (host: string, entry: Entry, file: string) => void hostChange(() => Api.routeThroughAllowance({ host, name: entry.name, file }))

  return (
    <div className="screen servers">
      {view.problem && <p role="alert" className="problem">{view.problem}</p>}
      {!page && !view.problem && <p className="empty">Loading…</p>}
      {page && (
        <>
          {page.problems.length > 0 && <Problems problems={page.problems} />}
          <ChangeNotice change={change} />
          <ServerList servers={page.servers} change={change} setSettings={(settings) => void change.run(() => Api.setServerSettings(settings), view.reload)} />
          <SignedInList changes={props.changes} change={change} />
          <HostEntries hosts={page.hosts} change={change} route={route} />
          <AddServerForm hosts={page.hosts.map((config) => config.host)} change={change} add={(server) => hostChange(() => Api.addServerToHost(server))} />
          <EntryChecks />
        </>
      )}
    </div>
  )
}

/** What the doctor finds without starting entries, each with its fix. */
function Problems(props: { problems: Api.DoctorReport['problems'] }) {
  const heading = useId()
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>To fix</h2>
      <ul className="problems">
        {props.problems.map((problem, index) => (
          <li key={index}>
            <strong>{problem.subject}:</strong> {problem.problem}
            <div className="muted">{problem.fix}</div>
          </li>
        ))}
      </ul>
    </section>
  )
}
