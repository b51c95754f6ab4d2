import { useEffect, useRef, useState } from 'react'
import { AnswerNotice, answeredElsewhere, type Outcome } from './AnswerNotice.js'
import { ApprovalQueue } from './ApprovalQueue.js'
import { ApprovalWaitSetting } from './ApprovalWaitSetting.js'
import { EmptyQueue, type Screen } from './EmptyQueue.js'
import { NotifyPermission } from './Notifications.js'
import { PauseControl } from './PauseControl.js'
import { SignInCard } from './SignInCard.js'
import type { Live } from './useApprovals.js'

/**
 * The Approvals screen: the pause when payments are paused, what the last answer did, the servers
 * waiting for you to sign in, the queue (or, with nothing waiting, what to do next), and how a
 * waiting payment reaches you.
 */
export function ApprovalsView(props: { live: Live; paused: boolean | undefined; onOpen(screen: Screen): void }) {
  const { live, paused, onOpen } = props
  const [outcome, setOutcome] = useState<Outcome>()
  // A payment that leaves the queue while this screen is shown, answered elsewhere or timed out.
  const seen = useRef(live.answeredElsewhere)
  useEffect(() => {
    if (!live.answeredElsewhere || live.answeredElsewhere === seen.current) return
    seen.current = live.answeredElsewhere
    setOutcome(answeredElsewhere(live.answeredElsewhere))
  }, [live.answeredElsewhere])
  // A payment that starts waiting makes the last outcome old news: the new card gets the room (a popup has little).
  const newest = Math.max(0, ...live.approvals.map((approval) => approval.paymentId))
  const known = useRef(newest)
  useEffect(() => {
    if (newest > known.current) setOutcome(undefined)
    known.current = Math.max(known.current, newest)
  }, [newest])

  return (
    <div className="screen approvals">
      {paused && <PauseControl changes={live.changes} />}
      {outcome && <AnswerNotice outcome={outcome} />}
      {live.signIns.map((request) => (
        <SignInCard key={request.id} request={request} />
      ))}
      {live.approvals.length > 0 ? <ApprovalQueue live={live} onAnswered={setOutcome} /> : <EmptyQueue changes={live.changes} onOpen={onOpen} />}
      <section className="panel waiting-settings" aria-label="When a payment waits">
        <ApprovalWaitSetting changes={live.changes} />
        <NotifyPermission />
      </section>
    </div>
  )
}
