import { useId, useRef, useState } from 'react'
import * as Api from './Api.js'
import { Address } from './Address.js'
import type { Outcome } from './AnswerNotice.js'
import { ApprovalActions } from './ApprovalActions.js'
import { ServerSays, WhoAsks } from './CardFacts.js'
import { Countdown } from './Countdown.js'
import { ProofCard } from './ProofCard.js'
import { RiskFlags } from './RiskFlags.js'
import { useCardAnswer } from './useCardAnswer.js'
import { useLoaded } from './useLoaded.js'
import { WalletLocked } from './WalletLocked.js'

/** A request waiting for the human: a payment's card, or an identity proof's. */
export function ApprovalCard(props: ApprovalCard.Props) {
  return props.approval.payment.kind === 'proof' ? <ProofCard {...props} /> : <PaymentCard {...props} />
}

export declare namespace ApprovalCard {
  type Props = { approval: Api.Approval; onAnswering?(paymentId: number): void; onAnswered(outcome: Outcome): void }
}

/** "7 Jan 2027" */
const day = (at: number) => new Date(at).toLocaleDateString(undefined, { day: 'numeric', month: 'short', year: 'numeric' })

/**
 * One payment waiting for the human: who asks, what it buys, what it costs and to whom, what it
 * leaves of the budgets, and what looks risky. Esc declines; Ctrl/Cmd+Enter pays once; nothing
 * approves on a bare Enter, and no approving button takes the focus by itself.
 */
function PaymentCard(props: ApprovalCard.Props) {
  const { approval, onAnswering, onAnswered } = props
  const [challengeId, setChallengeId] = useState(approval.options[0]!.challengeId)
  const option = approval.options.find((candidate) => candidate.challengeId === challengeId) ?? approval.options[0]!
  const heading = useId()
  const card = useRef<HTMLElement>(null)
  // Paying by wallet needs its key: a locked one would turn the human's Pay into a failed payment.
  const wallet = useLoaded(Api.wallet, [])
  const walletLocked = option.byWallet && wallet.value?.locked === true
  const { busy, problem, answer } = useCardAnswer({ approval, option, canApprove: !walletLocked, card, onAnswering, onAnswered })

  return (
    <section className="card" aria-labelledby={heading} ref={card} tabIndex={-1}>
      <header>
        <h2 id={heading}>
          <span className="host">{approval.host}</span> {approval.subscription ? 'asks to subscribe' : 'asks to pay'}
        </h2>
        <Countdown until={approval.expiresAt} />
      </header>

      <p className="amount" aria-label="Amount">
        {option.upTo && <span className="muted">up to </span>}
        <strong>{option.amount}</strong>
        {option.usd && <span className="usd"> ≈ {option.usd}</span>}
        {approval.subscription && <span className="muted"> {approval.subscription.period}</span>}
      </p>

      <dl className="facts">
        <WhoAsks approval={approval} />
        {approval.subscription && (
          <>
            <dt>Charges</dt>
            <dd>
              now, then {approval.subscription.nextCharges.map(day).join(', ')}
              {approval.subscription.nextCharges.length > 0 && '…'} until {day(approval.subscription.expiresAt)}, unless you cancel it
            </dd>
          </>
        )}
        <dt>Recipient</dt>
        <dd>{option.recipient ? <Address value={option.recipient} label="recipient address" /> : 'the server’s card account'}</dd>
        <dt>Network</dt>
        <dd>
          {option.chain ?? 'Card (Stripe)'}
          {option.testnet && <span className="badge">test network</span>}
        </dd>
        <dt>Pay with</dt>
        <dd>
          {approval.options.length === 1 ? (
            option.paysWith
          ) : (
            <fieldset className="methods" disabled={busy}>
              <legend className="visually-hidden">Payment method</legend>
              {approval.options.map((candidate) => (
                <label key={candidate.challengeId}>
                  <input type="radio" name={`method-${approval.paymentId}`} checked={candidate.challengeId === option.challengeId} onChange={() => setChallengeId(candidate.challengeId)} />
                  {candidate.paysWith} · {candidate.amount}
                </label>
              ))}
            </fieldset>
          )}
        </dd>
        <dt>Budget</dt>
        <dd>
          {option.budgets.length === 0
            ? 'No budget covers this call'
            : option.budgets.map((budget) => (
                <div key={budget.id}>
                  {budget.text} after this payment{budget.scope !== 'everything' && <span className="muted"> ({budget.scope})</span>}
                </div>
              ))}
        </dd>
        <ServerSays description={option.description} />
      </dl>

      <RiskFlags approval={approval} option={option} />
      {walletLocked && <WalletLocked because="Unlock it to pay; declining needs no passphrase." unlocked={wallet.reload} />}
      <ApprovalActions key={option.challengeId} approval={approval} option={option} busy={busy} canPay={!walletLocked} onAnswer={answer} />
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </section>
  )
}
