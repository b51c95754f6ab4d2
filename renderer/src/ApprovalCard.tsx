import { useEffect, useId, useRef, useState } from 'react'
import * as Api from './Api.js'
import { Address } from './Address.js'
import { answered, type Outcome } from './AnswerNotice.js'
import { ApprovalActions } from './ApprovalActions.js'
import { CallPreview } from './CallPreview.js'
import { Countdown } from './Countdown.js'
import { RiskFlags } from './RiskFlags.js'
import { useLoaded } from './useLoaded.js'
import { WalletLocked } from './WalletLocked.js'

/**
 * One payment waiting for the human: who asks, what it buys, what it costs and to whom, what it
 * leaves of the budgets, and what looks risky. Esc declines; Ctrl/Cmd+Enter pays once; nothing
 * approves on a bare Enter, and no approving button takes the focus by itself.
 */
export function ApprovalCard(props: { approval: Api.Approval; onAnswering?(paymentId: number): void; onAnswered(outcome: Outcome): void }) {
  const { approval, onAnswering, onAnswered } = props
  const [challengeId, setChallengeId] = useState(approval.options[0]!.challengeId)
  const option = approval.options.find((candidate) => candidate.challengeId === challengeId) ?? approval.options[0]!
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string>()
  const heading = useId()
  const card = useRef<HTMLElement>(null)
  // Paying by wallet needs its key: a locked one would turn the human's Pay into a failed payment.
  const wallet = useLoaded(Api.wallet, [])
  const walletLocked = option.byWallet && wallet.value?.locked === true

  const answer = async (choice: Api.ApproveOption | 'decline') => {
    if (busy || (walletLocked && choice !== 'decline')) return
    setBusy(true)
    setProblem(undefined)
    onAnswering?.(approval.paymentId)
    try {
      await (choice === 'decline' ? Api.decline(approval.paymentId) : Api.approve(approval.paymentId, choice, option.challengeId))
      onAnswered(answered(approval, option, choice))
    } catch (error) {
      setProblem((error as Error).message)
      setBusy(false)
    }
  }
  // The latest `answer` for the document-wide keys.
  const keys = useRef(answer)
  keys.current = answer

  useEffect(() => {
    card.current?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat) return
      if (event.key === 'Escape') {
        event.preventDefault()
        void keys.current('decline')
      } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault()
        void keys.current('once')
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [approval.paymentId])

  return (
    <section className="card" aria-labelledby={heading} ref={card} tabIndex={-1}>
      <header>
        <h2 id={heading}>
          <span className="host">{approval.host}</span> asks to pay
        </h2>
        <Countdown until={approval.expiresAt} />
      </header>

      <p className="amount" aria-label="Amount">
        {option.upTo && <span className="muted">up to </span>}
        <strong>{option.amount}</strong>
        {option.usd && <span className="usd"> ≈ {option.usd}</span>}
      </p>

      <dl className="facts">
        <dt>For</dt>
        <dd>
          <CallPreview approval={approval} />
        </dd>
        <dt>Server</dt>
        <dd>
          <span title={approval.upstream}>{approval.server}</span>
          <span className={approval.realmDiffers ? 'realm differs' : 'realm'}> · realm {approval.realm}</span>
        </dd>
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
        {option.description && (
          <>
            <dt>Server says</dt>
            <dd className="untrusted" title="Written by the server, not checked by Allowance">
              “{option.description}”
            </dd>
          </>
        )}
      </dl>

      <RiskFlags approval={approval} option={option} />
      {walletLocked && <WalletLocked because="Unlock it to pay; declining needs no passphrase." unlocked={wallet.reload} />}
      <ApprovalActions key={option.challengeId} approval={approval} option={option} busy={busy} canPay={!walletLocked} onAnswer={(choice) => void answer(choice)} />
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </section>
  )
}
