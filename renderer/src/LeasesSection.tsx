import { useEffect, useId } from 'react'
import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { clock } from './Countdown.js'
import { EndAction } from './RowActions.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'
import { useNow } from './useNow.js'

/**
 * The leases in force ("allow this server for 30 minutes up to $2", granted from an approval
 * card): what each has left to spend, a live countdown, and Revoke, after which its calls ask again.
 */
export function LeasesSection(props: { changes: number }) {
  const heading = useId()
  const change = useChange()
  const leases = useLoaded(Api.leases, [props.changes])
  const now = useNow(1000)
  const active = leases.value?.filter((lease) => lease.expiresAt > now)
  // A lease that just ran out leaves the list; read it again to be sure of the rest.
  const expired = (leases.value?.length ?? 0) - (active?.length ?? 0)
  useEffect(() => {
    if (expired > 0) leases.reload()
  }, [expired, leases.reload])

  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Leases</h2>
      {leases.problem && <p role="alert" className="problem">{leases.problem}</p>}
      {active?.length === 0 && <p className="empty">No leases in force. An approval card can grant one: “Allow for 30 minutes”.</p>}
      {active && active.length > 0 && (
        <table aria-label="Leases">
          <thead>
            <tr>
              <th scope="col">Applies to</th>
              <th scope="col" className="money">Spent</th>
              <th scope="col" className="money">Left to spend</th>
              <th scope="col">Time left</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {active.map((lease) => {
              const left = clock(Math.max(0, Math.ceil((lease.expiresAt - now) / 1000)))
              return (
                <tr key={lease.id}>
                  <td title={lease.upstream ?? undefined}>{lease.scope}</td>
                  <td className="money">
                    {lease.spent} of {lease.amount}
                    <meter min={0} max={1} low={0.8} high={0.99} optimum={0} value={lease.share} aria-label={`Lease ${lease.id} spent`}>
                      {Math.round(lease.share * 100)}%
                    </meter>
                  </td>
                  <td className="money">{lease.remaining}</td>
                  <td>
                    <span role="timer" aria-label={`Lease ${lease.id} ends in ${left}`} className="countdown">
                      {left}
                    </span>
                  </td>
                  <td>
                    <EndAction text="Revoke" label={`Revoke lease ${lease.id}`} change={change} end={() => Api.revokeLease(lease.id)} onEnded={leases.reload} />
                  </td>
                </tr>
              )
            })}
          </tbody>
        </table>
      )}
      <ChangeNotice change={change} />
    </section>
  )
}
