import { useEffect, useId, useRef, type ReactNode } from 'react'
import * as Api from './Api.js'
import { ArgumentList, hasArguments } from './ArgumentList.js'
import { CopyButton } from './CopyButton.js'
import { useLoaded } from './useLoaded.js'

/**
 * One payment in full, as a modal dialog (Esc closes it): what it bought, what it cost, who
 * decided, and its settlement: the receipt's reference, the transaction hash and the explorer's
 * address as copyable text (the app's windows open no other page), the challenge id, the error.
 */
export function PaymentDetails(props: { id: number; changes: number; onClose(): void }) {
  const { id, onClose } = props
  const details = useLoaded(() => Api.payment(id), [id, props.changes])
  const dialog = useRef<HTMLDialogElement>(null)
  const heading = useId()
  useEffect(() => {
    dialog.current?.showModal()
  }, [])

  const payment = details.value
  const time = (epochMs: number | null) => (epochMs === null ? null : new Date(epochMs).toLocaleString())
  return (
    <dialog ref={dialog} className="details" aria-labelledby={heading} onClose={onClose}>
      <header>
        <h2 id={heading}>Payment {id}</h2>
        <button type="button" onClick={() => dialog.current?.close()}>
          Close
        </button>
      </header>
      {details.problem && <p role="alert" className="problem">{details.problem}</p>}
      {!payment && !details.problem && <p className="empty">Loading…</p>}
      {payment && (
        <dl className="facts">
          <Fact term="State">
            <span className={`state ${payment.state}`}>{payment.state}</span>
            {payment.reason && <span className="muted"> {payment.reason}</span>}
          </Fact>
          <Fact term="Warning">{payment.warning && <span role="alert" className="problem">{payment.warning}</span>}</Fact>
          <Fact term="Amount">{payment.amount && `${payment.amount}${payment.usd && !payment.amount.startsWith('$') ? ` ≈ ${payment.usd} held` : ''}`}</Fact>
          <Fact term="Moved">{payment.settledAmount}</Fact>
          <Fact term="Network fee">{payment.fee}</Fact>
          <Fact term="Round">{payment.round > 1 && `${payment.round}: the server asked again after it was sent a payment`}</Fact>
          <Fact term="Call">
            <code>{payment.target}</code> <span className="muted">({payment.operation})</span>
          </Fact>
          <Fact term="Arguments">{hasArguments(payment.argumentsPreview) && <ArgumentList preview={payment.argumentsPreview} />}</Fact>
          <Fact term="Server">
            {payment.upstream}
            {payment.realm && <span className="muted"> · realm {payment.realm}</span>}
          </Fact>
          <Fact term="Agent host">{payment.host}</Fact>
          <Fact term="Asked at">{time(payment.createdAt)}</Fact>
          <Fact term="Decision">
            {payment.decision}
            {payment.decidedAt !== null && <span className="muted"> at {time(payment.decidedAt)}</span>}
          </Fact>
          <Fact term="Protocol">{payment.protocol}</Fact>
          <Fact term="Method">{payment.paysWith}</Fact>
          <Fact term="Recipient">{payment.recipient && <Copyable value={payment.recipient} label="recipient" />}</Fact>
          <Fact term="Receipt">
            {payment.receiptReference && <Copyable value={payment.receiptReference} label="receipt reference" />}
            {payment.acceptedAt !== null && <span className="muted"> accepted by the server at {time(payment.acceptedAt)}</span>}
          </Fact>
          <Fact term="Transaction">
            {payment.confirmedAt !== null && payment.reference && <Copyable value={payment.reference} label="transaction" />}
            {payment.confirmedAt !== null && <span className="muted"> confirmed at {time(payment.confirmedAt)}</span>}
          </Fact>
          <Fact term="Explorer">{payment.explorerUrl && <Copyable value={payment.explorerUrl} label="explorer address" />}</Fact>
          <Fact term="Challenge">{payment.challengeId && <Copyable value={payment.challengeId} label="challenge id" />}</Fact>
          <Fact term="Error">{payment.error}</Fact>
          <Fact term="Server says">{payment.description && <span className="untrusted">“{payment.description}”</span>}</Fact>
        </dl>
      )}
    </dialog>
  )
}

/** A term and its description, left out when there is nothing to say. */
function Fact(props: { term: string; children: ReactNode }) {
  const empty = props.children === null || props.children === undefined || props.children === '' || props.children === false
  if (empty) return null
  return (
    <>
      <dt>{props.term}</dt>
      <dd>{props.children}</dd>
    </>
  )
}

function Copyable(props: { value: string; label: string }) {
  return (
    <span className="copyable">
      <code>{props.value}</code> <CopyButton value={props.value} label={props.label} />
    </span>
  )
}
