import { useId } from 'react'
import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

/**
 * The servers the wallet's address is shown to whenever they ask (an identity proof: no money
 * moves), as "Always share" on a proof's card made them, with Stop sharing, after which they ask again.
 */
export function SharesSection(props: { changes: number }) {
  const heading = useId()
  const change = useChange()
  const shares = useLoaded(Api.shares, [props.changes])

  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Address shared with</h2>
      {shares.problem && <p role="alert" className="problem">{shares.problem}</p>}
      {shares.value?.length === 0 && <p className="empty">No server sees your wallet address without asking. A server’s request to see it can add one: “Always share”.</p>}
      {shares.value && shares.value.length > 0 && (
        <table aria-label="Address shared with">
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col">Since</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {shares.value.map((share) => (
              <tr key={share.id}>
                <td title={share.upstream}>{share.server}</td>
                <td>{new Date(share.createdAt).toLocaleString()}</td>
                <td>
                  <button type="button" className="link danger" onClick={() => void change.run(() => Api.removeShare(share.id), shares.reload)} aria-label={`Stop sharing with ${share.server}`}>
                    Stop sharing
                  </button>
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ChangeNotice change={change} />
    </section>
  )
}
