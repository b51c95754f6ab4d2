import { useId, useState, type FormEvent } from 'react'
import * as Api from './Api.js'
import { Field } from './Field.js'
import { RelativeTime } from './RelativeTime.js'
import type { Change } from './useChange.js'
import { useLoaded } from './useLoaded.js'

/**
 * Who Allowance is signed in as, where: each server, the account and its authorization server,
 * with **Sign out** (the server revokes the tokens where it can); and a sign-in to start now,
 * before an agent needs it. The tokens themselves stay in the keychain.
 */
export function SignedInList(props: { changes: number; change: Change }) {
  const heading = useId()
  const list = useLoaded(Api.signedIn, [props.changes])
  const [server, setServer] = useState('')
  const signOut = (target: string) => void props.change.run(() => Api.signOut(target), list.reload)
  const signIn = async (event: FormEvent) => {
    event.preventDefault()
    if (await props.change.run(() => Api.signInTo(server.trim()), list.reload)) setServer('')
  }
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Signed in</h2>
      {list.problem && <p role="alert" className="problem">{list.problem}</p>}
      {list.value?.length === 0 && <p className="empty">Signed in nowhere yet: a server that wants it asks when an agent first calls it.</p>}
      {list.value && list.value.length > 0 && (
        <table aria-label="Servers signed in to">
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">As</th>
              <th scope="col">At</th>
              <th scope="col">Since</th>
              <th scope="col">
                <span className="visually-hidden">Actions</span>
              </th>
            </tr>
          </thead>
          <tbody>
            {list.value.map((entry) => (
              <tr key={`${entry.server} ${entry.issuer}`}>
                <td>
                  <span title={entry.server}>{entry.label}</span>
                </td>
                <td>{entry.account ?? '—'}</td>
                <td>
                  <code>{entry.issuer}</code>
                </td>
                <td>
                  <RelativeTime at={entry.signedInAt} />
                </td>
                <td>
                  <button type="button" className="decline" disabled={props.change.busy} onClick={() => signOut(entry.server)} aria-label={`Sign out of ${entry.label}`}>
                    Sign out
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <form className="add" onSubmit={(event) => void signIn(event)}>
        <Field label="Sign in to a server now">
          {(id) => <input id={id} type="url" value={server} required placeholder="https://tools.example.com/mcp" onChange={(event) => setServer(event.target.value)} />}
        </Field>
        <button type="submit" className="approve" disabled={props.change.busy}>
          Sign in
        </button>
      </form>
    </section>
  )
}
