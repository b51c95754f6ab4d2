import { useId, useState } from 'react'
import * as Api from './Api.js'

/** The doctor, started on demand: each Allowance entry is started once and must answer initialize. */
export function EntryChecks() {
  const heading = useId()
  const [report, setReport] = useState<Api.DoctorReport>()
  const [problem, setProblem] = useState<string>()
  const [busy, setBusy] = useState(false)
  const run = () => {
    setBusy(true)
    Api.checkServers().then(
      (next) => {
        setReport(next)
        setProblem(undefined)
      },
      (error: Error) => setProblem(error.message),
    ).finally(() => setBusy(false))
  }
  const checked = report?.hosts.flatMap((config) => config.files.flatMap((file) => file.servers.filter((entry) => entry.check).map((entry) => ({ host: config.host.title, entry }))))
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Check the entries</h2>
      <p className="muted">Starts each entry that goes through Allowance as its host would, and waits for its server to answer (what allowance doctor does).</p>
      <p>
        <button type="button" disabled={busy} onClick={run}>
          {busy ? 'Checking…' : 'Check now'}
        </button>
      </p>
      {problem && <p role="alert" className="problem">{problem}</p>}
      {checked && (
        <ul className="checks" aria-label="Entry checks">
          {checked.length === 0 && <li className="empty">No entry goes through Allowance.</li>}
          {checked.map(({ host, entry }) => (
            <li key={`${host} ${entry.name}`}>
              <strong>
                {host} "{entry.name}"
              </strong>
              : {entry.check!.status === 'answered' ? `answered by ${entry.check!.server} in ${entry.check!.ms} ms` : entry.check!.status === 'skipped' ? `not started: ${entry.check!.reason}` : <span className="problem">{entry.check!.error}</span>}
            </li>
          ))}
        </ul>
      )}
    </section>
  )
}
