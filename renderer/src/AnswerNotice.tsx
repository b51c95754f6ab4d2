import { CircleCheck, CircleX } from 'lucide-react'
import type * as Api from './Api.js'
import { kindOf } from './CallPreview.js'
import { historyLink } from './HistoryLink.js'
import type { Live } from './useApprovals.js'

/** What became of a payment that was waiting: a sentence, and the History row that records it. */
export type Outcome = { paid: boolean; text: string; paymentId?: number }

/** What the human's answer in the card did. */
export function answered(approval: Api.Approval, option: Api.Option, answer: Api.ApproveOption | 'decline'): Outcome {
  if (approval.payment.kind === 'proof') return answeredProof(approval, answer)
  const what = `${option.amount} for ${kindOf(approval)} ${approval.target} on ${approval.server}`
  const { paymentId } = approval
  if (answer === 'decline') return { paid: false, paymentId, text: `Declined ${what}. The agent was told you declined.` }
  const remembered =
    answer === 'once' || 'share' in answer ? '' : 'lease' in answer ? ` ${approval.server} may be paid without asking for ${answer.lease.minutes} minutes.` : ` ${kindOf(approval)} ${approval.target} is now paid without asking, up to your limit per call.`
  return { paid: true, paymentId, text: `Approved ${what}: the agent’s call goes ahead.${remembered}` }
}

/** What the human's answer to an identity proof did: no money either way. */
function answeredProof(approval: Api.Approval, answer: Api.ApproveOption | 'decline'): Outcome {
  const what = `${approval.server} (for ${kindOf(approval)} ${approval.target})`
  const { paymentId } = approval
  if (answer === 'decline') return { paid: false, paymentId, text: `Did not show your wallet address to ${what}. The agent was told you declined.` }
  const remembered = answer !== 'once' && 'share' in answer ? ` It will be shown whenever ${approval.server} asks.` : ''
  return { paid: true, paymentId, text: `Showed your wallet address to ${what}; no money moved.${remembered}` }
}

/** A payment that left the queue while the page showed it, not by this page's answer. */
export function answeredElsewhere({ approval, decision }: NonNullable<Live['answeredElsewhere']>): Outcome {
  const what = `${approval.options[0]!.amount} for ${kindOf(approval)} ${approval.target} on ${approval.server}`
  const { paymentId } = approval
  if (decision.kind === 'approved') return { paid: true, paymentId, text: `Approved elsewhere: ${what}.` }
  if (decision.kind === 'declined' && decision.reason === 'timeout') return { paid: false, paymentId, text: `Nobody answered in time: ${what} was declined.` }
  return { paid: false, paymentId, text: `Declined elsewhere: ${what}.` }
}

/** The last outcome, with a link to its row in History (or to History, for several at once). */
export function AnswerNotice(props: { outcome: Outcome }) {
  const { outcome } = props
  const Icon = outcome.paid ? CircleCheck : CircleX
  return (
    <p role="status" className={outcome.paid ? 'outcome paid' : 'outcome'}>
      <Icon aria-hidden="true" size={18} />
      <span>{outcome.text}</span>
      <a href={historyLink(outcome.paymentId)}>{outcome.paymentId === undefined ? 'See them in History' : 'See it in History'}</a>
    </p>
  )
}
