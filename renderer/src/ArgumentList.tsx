/**
 * A call's (redacted) arguments as a list of names and values: `topic  tides`. The companion keeps
 * a short JSON preview; one it had to cut is shown as it is.
 */
export function ArgumentList(props: { preview: string }) {
  const members = entries(props.preview)
  if (!members) return <pre>{props.preview}</pre>
  return (
    <dl className="argument-list">
      {members.map(([name, value]) => (
        <div key={name}>
          <dt>{name === '…' ? 'and' : name}</dt>
          <dd>{typeof value === 'string' ? value : JSON.stringify(value)}</dd>
        </div>
      ))}
    </dl>
  )
}

/** The preview's members, when it is a whole JSON object. */
function entries(preview: string): [string, unknown][] | undefined {
  try {
    const parsed: unknown = JSON.parse(preview)
    if (typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed)) return Object.entries(parsed)
  } catch {}
  return undefined
}

/** Whether a preview has anything to list (`{}` has not). */
export function hasArguments(preview: string | null): preview is string {
  return preview !== null && preview !== '{}'
}
