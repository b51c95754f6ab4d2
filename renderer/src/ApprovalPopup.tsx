import { useEffect, useState } from 'react'
import * as Api from './Api.js'
import { ApprovalCard } from './ApprovalCard.js'

/**
 * The desktop app's popup for one waiting payment (`#approval=<id>`): that payment's card alone.
 * It closes itself once answered; the app closes it too when the payment is answered elsewhere
 * or times out.
 */
export function ApprovalPopup(props: { paymentId: number }) {
  const { paymentId } = props
  const [approval, setApproval] = useState<Api.Approval | null>()
  const [problem, setProblem] = useState<string>()

  useEffect(() => {
    Api.approvals().then(
      (list) => setApproval(list.find((candidate) => candidate.paymentId === paymentId) ?? null),
      (error: Error) => setProblem(error.message),
    )
  }, [paymentId])

  useEffect(() => {
    if (approval) document.title = `${approval.host} asks to pay ${approval.options[0]!.amount}`
  }, [approval])

  return (
    <main>
      {problem && <p role="alert" className="problem">{problem}</p>}
      {approval === null && <p className="empty">Payment {paymentId} no longer waits for you.</p>}
      {approval && <ApprovalCard approval={approval} onAnswered={() => window.close()} />}
    </main>
  )
}

/** The payment a popup's URL names (`#approval=12`), or undefined for the main window. */
export function popupPaymentId(hash: string): number | undefined {
  const match = /^#approval=([1-9][0-9]{0,15})$/.exec(hash)
  return match ? Number(match[1]) : undefined
}
