import * as Api from './Api.js'
import { ListPanel } from './ListPanel.js'
import { EndAction } from './RowActions.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

/**
 * The servers the wallet's address is shown to whenever they ask (an identity proof: no money
 * moves), as "Always share" on a proof's card made them, with Stop sharing, after which they ask again.
 */
export function SharesSection(props: { changes: number }) {
  const change = useChange()
  const shares = useLoaded(Api.shares, [props.changes])
  return (
    <ListPanel
      title="Address shared with"
      items={shares}
      empty="No server sees your wallet address without asking. A server’s request to see it can add one: “Always share”."
      columns={
        <>
          <th scope="col">Server</th>
          <th scope="col">Since</th>
        </>
      }
      row={(share) => (
        <>
          <td title={share.upstream}>{share.server}</td>
          <td>{new Date(share.createdAt).toLocaleString()}</td>
          <td>
            <EndAction text="Stop sharing" label={`Stop sharing with ${share.server}`} change={change} end={() => Api.removeShare(share.id)} onEnded={shares.reload} />
          </td>
        </>
      )}
      change={change}
    />
  )
}
