import { useState } from 'react'
import * as Api from './Api.js'
import type { Outcome } from './AnswerNotice.js'
import { ApprovalCard } from './ApprovalCard.js'
import { arrowFocus } from './ArrowFocus.js'
import { RelativeTime } from './RelativeTime.js'
import type { Live } from './useApprovals.js'

/**
 * Every payment waiting for the human: one card at a time, the rest listed beside it (above it in
 * a narrow window), with "Decline all". The list is one Tab stop's worth of buttons: arrows move
 * between them, Enter shows that payment's card, which takes the focus so Ctrl+Enter pays it.
 */
export function ApprovalQueue(props: { live: Live; onAnswered(outcome: Outcome): void }) {
  const { live, onAnswered } = props
  const { approvals } = live
  const [selected, setSelected] = useState<number>()
  const [problem, setProblem] = useState<string>()
  const active = approvals.find((approval) => approval.paymentId === selected) ?? approvals[0]
  if (!active) return null

  const answered = (outcome: Outcome) => {
    if (outcome.paymentId !== undefined) live.forget(outcome.paymentId)
    onAnswered(outcome)
  }
  const declineAll = () => {
    approvals.forEach((approval) => live.answering(approval.paymentId))
    Api.declineAll().then(
      (declined) => {
        approvals.forEach((approval) => live.forget(approval.paymentId))
        onAnswered({ paid: false, text: `Declined ${declined.length} payment${declined.length === 1 ? '' : 's'}. The agents were told you declined.` })
      },
      (error: Error) => setProblem(error.message),
    )
  }
  return (
    <div className="queue">
      {approvals.length > 1 && (
        <nav className="waiting" aria-label="Waiting payments">
          <p>
            <strong>{approvals.length}</strong> payments waiting
          </p>
          <ol onKeyDown={arrowFocus('vertical')}>
            {approvals.map((approval) => (
              <li key={approval.paymentId}>
                <button type="button" aria-current={approval === active} onClick={() => setSelected(approval.paymentId)}>
                  <span>
                    <strong>{approval.options[0]!.amount}</strong> · {approval.target}
                  </span>
                  <span className="muted">
                    {approval.host} · <RelativeTime at={approval.queuedAt} />
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <button type="button" className="decline" onClick={declineAll}>
            Decline all
          </button>
          {problem && <p role="alert" className="problem">{problem}</p>}
        </nav>
      )}
      <ApprovalCard key={active.paymentId} approval={active} onAnswering={live.answering} onAnswered={answered} />
    </div>
  )
}
