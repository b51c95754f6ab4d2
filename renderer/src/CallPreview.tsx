import type { Approval } from './Api.js'
import { ArgumentList, hasArguments } from './ArgumentList.js'

const kinds = { 'tools/call': 'tool', 'resources/read': 'resource', 'prompts/get': 'prompt' } as const

/** What the money buys: the tool, resource or prompt, and the call's (redacted) arguments, collapsed. */
export function CallPreview(props: { approval: Approval }) {
  const { operation, target, argumentsPreview } = props.approval
  return (
    <>
      <span className="kind">{kinds[operation]}</span> <code className="target">{target}</code>
      {hasArguments(argumentsPreview) && (
        <details className="arguments">
          <summary>Arguments</summary>
          <ArgumentList preview={argumentsPreview} />
        </details>
      )}
    </>
  )
}

export function kindOf(approval: Pick<Approval, 'operation'>): string {
  return kinds[approval.operation]
}
