import type * as Api from './Api.js'
import { CallPreview } from './CallPreview.js'

/** The first facts of every waiting card: the call it is for, and the server with its realm. */
export function WhoAsks(props: { approval: Api.Approval }) {
  const { approval } = props
  return (
    <>
      <dt>For</dt>
      <dd>
        <CallPreview approval={approval} />
      </dd>
      <dt>Server</dt>
      <dd>
        <span title={approval.upstream}>{approval.server}</span>
        <span className={approval.realmDiffers ? 'realm differs' : 'realm'}> · realm {approval.realm}</span>
      </dd>
    </>
  )
}

/** The server's own words about the request, shown as such: Allowance checks none of it. */
export function ServerSays(props: { description: string | null }) {
  if (!props.description) return null
  return (
    <>
      <dt>Server says</dt>
      <dd className="untrusted" title="Written by the server, not checked by Allowance">
        “{props.description}”
      </dd>
    </>
  )
}
