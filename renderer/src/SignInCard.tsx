import { useId, useState } from 'react'
import * as Api from './Api.js'
import { CopyButton } from './CopyButton.js'
import { Countdown } from './Countdown.js'

/**
 * A server that wants the user to sign in before an agent may use it: which server, who asks,
 * where the sign-in happens and as whom. **Sign in** opens the system browser on the
 * authorization server (the link is shown too, for a browser elsewhere); **Not now** tells the
 * agent in one sentence. No token ever reaches this page.
 */
export function SignInCard(props: { request: Api.SignInRequest; onAnswered?(message: string): void }) {
  const { request, onAnswered } = props
  const heading = useId()
  const [busy, setBusy] = useState(false)
  const [message, setMessage] = useState<string>()
  const [problem, setProblem] = useState<string>()
  const [link, setLink] = useState<string>()
  const hosts = request.hosts.join(', ')
  const why =
    request.reason === 'expired'
      ? `The sign-in${request.account ? ` as ${request.account}` : ''} has ended; sign in again to carry on.`
      : request.reason === 'more_access'
        ? 'It needs more access than it was given.'
        : 'It needs to know who is calling it.'

  const act = async (action: () => Promise<{ message: string; url?: string }>) => {
    setBusy(true)
    setProblem(undefined)
    try {
      const answer = await action()
      setMessage(answer.message)
      if (answer.url) setLink(answer.url)
      onAnswered?.(answer.message)
    } catch (error) {
      setProblem((error as Error).message)
    } finally {
      setBusy(false)
    }
  }

  return (
    <section className="card sign-in" aria-labelledby={heading}>
      <header>
        <h2 id={heading}>
          <span className="host">{hosts}</span> asks you to sign in to <strong>{request.label}</strong>
        </h2>
        <Countdown until={request.expiresAt} />
      </header>
      <p>{why}</p>
      <dl className="facts">
        <dt>Server</dt>
        <dd>
          <code>{request.server}</code>
        </dd>
        <dt>Sign in at</dt>
        <dd>{request.authorizationHost}</dd>
        <dt>As</dt>
        <dd>{request.account ?? 'the account you sign in with there'}</dd>
        {request.scopes.length > 0 && (
          <>
            <dt>Access</dt>
            <dd>{request.scopes.join(', ')}</dd>
          </>
        )}
      </dl>
      <div className="actions">
        <div className="primary">
          <button type="button" className="approve" disabled={busy} onClick={() => void act(() => Api.openSignIn(request.id))}>
            Sign in
          </button>
          <button type="button" className="decline" disabled={busy} onClick={() => void act(() => Api.dismissSignIn(request.id))}>
            Not now
          </button>
        </div>
        <p className="muted">
          Sign in opens your browser. Elsewhere, open this link:{' '}
          <a href={link ?? request.url} target="_blank" rel="noreferrer noopener" className="sign-in-link">
            {request.authorizationHost}
          </a>{' '}
          <CopyButton value={link ?? request.url} label="the sign-in link" />
        </p>
      </div>
      <p role="status" className="notice">
        {message}
      </p>
      {problem && (
        <p role="alert" className="problem">
          {problem}
        </p>
      )}
    </section>
  )
}

/** The sign-in a popup's URL names (`#signin=3`), or undefined. */
export function popupSignInId(hash: string): number | undefined {
  const match = /^#signin=([1-9][0-9]{0,15})$/.exec(hash)
  return match ? Number(match[1]) : undefined
}
