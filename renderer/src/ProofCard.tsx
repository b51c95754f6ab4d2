import { useId, useRef } from 'react'
import * as Api from './Api.js'
import { Address } from './Address.js'
import type { ApprovalCard } from './ApprovalCard.js'
import { ServerSays, WhoAsks } from './CardFacts.js'
import { Countdown } from './Countdown.js'
import { byPointer } from './PointerClick.js'
import { useCardAnswer } from './useCardAnswer.js'
import { useLoaded } from './useLoaded.js'
import { WalletLocked } from './WalletLocked.js'

/**
 * An identity proof waiting for the human: a server asks to see the wallet's address (a signature
 * over its challenge, no money moves). Esc declines; Ctrl/Cmd+Enter shares it this once; "Always
 * share" answers this server's proofs from now on. Nothing here can create a lease or payment rule.
 */
export function ProofCard(props: ApprovalCard.Props) {
  const { approval, onAnswering, onAnswered } = props
  const option = approval.options[0]!
  const heading = useId()
  const card = useRef<HTMLElement>(null)
  const wallet = useLoaded(Api.wallet, [])
  const walletLocked = wallet.value?.locked === true
  const { busy, problem, answer } = useCardAnswer({ approval, option, canApprove: !walletLocked, card, onAnswering, onAnswered })
  const pointer = (choice: Api.ApproveOption) => byPointer(() => answer(choice))

  return (
    <section className="card proof" aria-labelledby={heading} ref={card} tabIndex={-1}>
      <header>
        <h2 id={heading}>
          <span className="host">{approval.server}</span> asks to see your wallet address
        </h2>
        <Countdown until={approval.expiresAt} />
      </header>

      <p className="amount" aria-label="Amount">
        <strong>No money moves</strong>
      </p>

      <dl className="facts">
        <WhoAsks approval={approval} />
        <dt>It learns</dt>
        <dd>{wallet.value?.address ? <Address value={wallet.value.address} label="your wallet address" /> : 'your wallet address'}</dd>
        <dt>Network</dt>
        <dd>{option.chain}</dd>
        <ServerSays description={option.description} />
      </dl>

      {walletLocked && <WalletLocked because="Unlock it to sign the proof; declining needs no passphrase." unlocked={wallet.reload} />}
      <div className="actions">
        <div className="primary">
          <button type="button" className="decline" onClick={() => answer('decline')} disabled={busy} aria-keyshortcuts="Escape">
            Decline <kbd>Esc</kbd>
          </button>
          <button type="button" className="approve" onClick={pointer('once')} disabled={busy || walletLocked} aria-keyshortcuts="Control+Enter Meta+Enter">
            Share once <kbd>Ctrl+Enter</kbd>
          </button>
        </div>
        {/* A proof asked again within one call is a one-off, like a second payment. */}
        {!approval.reasons.includes('paying_twice') && (
          <div className="remember">
            <span>
              Share my address with <strong>{approval.server}</strong> whenever it asks
            </span>
            <button type="button" onClick={pointer({ share: true })} disabled={busy || walletLocked}>
              Always share
            </button>
          </div>
        )}
      </div>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </section>
  )
}
