import { useState } from 'react'
import * as Api from './Api.js'
import { ApprovalCard } from './ApprovalCard.js'

/** Every payment waiting for the human: one card at a time, the rest listed beside it, with "Decline all". */
export function ApprovalQueue(props: { approvals: Api.Approval[]; forget(paymentId: number): void }) {
  const { approvals, forget } = props
  const [selected, setSelected] = useState<number>()
  const [problem, setProblem] = useState<string>()
  const active = approvals.find((approval) => approval.paymentId === selected) ?? approvals[0]

  if (!active) return <p className="empty">No payments are waiting for you.</p>

  const declineAll = () =>
    Api.declineAll().then(
      () => approvals.forEach((approval) => forget(approval.paymentId)),
      (error: Error) => setProblem(error.message),
    )
  return (
    <div className="queue">
      {approvals.length > 1 && (
        <nav className="waiting" aria-label="Waiting payments">
          <p>
            <strong>{approvals.length}</strong> payments waiting
          </p>
          <ol>
            {approvals.map((approval) => (
              <li key={approval.paymentId}>
                <button
                  type="button"
                  aria-current={approval === active}
                  onClick={() => setSelected(approval.paymentId)}
                >
                  <span>
                    <strong>{approval.options[0]!.amount}</strong> · {approval.target}
                  </span>
                  <span className="muted">
                    {approval.host} · {new Date(approval.queuedAt).toLocaleTimeString()}
                  </span>
                </button>
              </li>
            ))}
          </ol>
          <button type="button" className="decline" onClick={() => void declineAll()}>
            Decline all
          </button>
          {problem && <p role="alert" className="problem">{problem}</p>}
        </nav>
      )}
      <ApprovalCard key={active.paymentId} approval={active} onAnswered={forget} />
    </div>
  )
}
