import { useId, useState, type FormEvent } from 'react'
import type { Change } from './useChange.js'

/**
 * The wallet's passphrase, where no OS keychain holds the key: chosen twice to create the wallet,
 * or typed once to unlock it. It goes to the companion, which keeps it in memory only; the fields
 * are emptied as soon as it is sent, so the page holds it no longer than the request.
 */
export function PassphraseForm(props: { purpose: 'create' | 'unlock'; change: Change; submit(passphrase: string): Promise<{ message: string }>; done(): void }) {
  const { purpose, change } = props
  const [passphrase, setPassphrase] = useState('')
  const [again, setAgain] = useState('')
  const [mismatch, setMismatch] = useState(false)
  const hint = useId()
  const creating = purpose === 'create'

  const onSubmit = (event: FormEvent) => {
    event.preventDefault()
    if (creating && passphrase !== again) return setMismatch(true)
    setMismatch(false)
    const typed = passphrase
    setPassphrase('')
    setAgain('')
    void change.run(() => props.submit(typed), props.done)
  }

  return (
    <form className="passphrase" aria-label={creating ? 'Choose a wallet passphrase' : 'Unlock the wallet'} onSubmit={onSubmit}>
      <p id={hint} className="muted">
        {creating
          ? 'No OS keychain answers on this machine, so the key goes to a file sealed with a passphrase you choose (8 or more characters). Allowance keeps it in memory until you lock the wallet or quit, and asks again after a restart. Nobody can recover it for you.'
          : 'The key is in a file sealed with your passphrase. Allowance keeps it in memory until you lock the wallet or quit.'}
      </p>
      <label>
        Passphrase
        <input
          type="password"
          autoComplete={creating ? 'new-password' : 'current-password'}
          spellCheck={false}
          aria-describedby={hint}
          value={passphrase}
          onChange={(event) => setPassphrase(event.target.value)}
          disabled={change.busy}
          required
          minLength={creating ? 8 : undefined}
        />
      </label>
      {creating && (
        <label>
          Type it again
          <input type="password" autoComplete="new-password" spellCheck={false} value={again} onChange={(event) => setAgain(event.target.value)} disabled={change.busy} required />
        </label>
      )}
      {mismatch && (
        <p role="alert" className="problem">
          The two passphrases differ; type them again.
        </p>
      )}
      <button type="submit" className="approve" disabled={change.busy}>
        {creating ? 'Create the wallet' : 'Unlock'}
      </button>
    </form>
  )
}
