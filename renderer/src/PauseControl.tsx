import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

/** The kill switch: while payments are paused, every payment is declined, whatever the rules, budgets and leases say. */
export function PauseControl(props: { changes: number }) {
  const change = useChange()
  const status = useLoaded(Api.status, [props.changes])
  const paused = status.value?.paused
  if (status.problem) return <p role="alert" className="problem">{status.problem}</p>
  if (paused === undefined) return null
  return (
    <section className={paused ? 'pause paused' : 'pause'} aria-label="Payments">
      <p>{paused ? 'Payments are paused: every payment is declined until you resume.' : 'Payments are on: your rules, budgets and leases decide, and you approve the rest.'}</p>
      <button type="button" className={paused ? 'approve' : 'decline'} disabled={change.busy} onClick={() => void change.run(() => Api.pause(!paused), status.reload)}>
        {paused ? 'Resume payments' : 'Pause payments'}
      </button>
      <ChangeNotice change={change} />
    </section>
  )
}
