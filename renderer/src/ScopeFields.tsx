import { useId } from 'react'
import type * as Api from './Api.js'
import { Field } from './Field.js'

const callKinds = [
  { operation: 'tools/call', label: 'Tool', name: 'Tool name' },
  { operation: 'resources/read', label: 'Resource', name: 'Resource URI' },
  { operation: 'prompts/get', label: 'Prompt', name: 'Prompt name' },
] as const

/**
 * What a rule or budget applies to: a server (or every one), one of its tools, resources or prompts
 * (or every call), and an agent host (or every one). Servers, calls and hosts the ledger has seen
 * are suggested; the companion checks the combination.
 */
export function ScopeFields(props: { scope: Api.Scope; choices: Api.Choices | undefined; disabled: boolean; onChange(scope: Api.Scope): void }) {
  const { scope, choices, disabled, onChange } = props
  const ids = { servers: useId(), targets: useId(), hosts: useId() }
  const set = (change: Api.Scope) => onChange({ ...scope, ...change })
  const kind = callKinds.find((candidate) => candidate.operation === scope.operation)
  const targets = [...new Set(choices?.calls.filter((call) => call.operation === scope.operation).map((call) => call.target))]
  return (
    <fieldset className="scope" disabled={disabled}>
      <legend>Applies to</legend>
      <Field label="Server">
        {(id) => (
          <input id={id} list={ids.servers} value={scope.server ?? ''} placeholder="every server" onChange={(event) => set({ server: event.target.value })} />
        )}
      </Field>
      <datalist id={ids.servers}>
        {choices?.servers.map((server) => (
          <option key={server.upstream} value={server.upstream}>
            {server.label}
          </option>
        ))}
      </datalist>
      <Field label="Call">
        {(id) => (
          <select
            id={id}
            value={scope.operation ?? ''}
            onChange={(event) => set({ operation: (event.target.value || undefined) as Api.Scope['operation'], target: event.target.value ? scope.target : undefined })}
          >
            <option value="">Every call</option>
            {callKinds.map((candidate) => (
              <option key={candidate.operation} value={candidate.operation}>
                {candidate.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      {kind && (
        <Field label={kind.name}>
          {(id) => (
            <>
              <input id={id} list={ids.targets} value={scope.target ?? ''} onChange={(event) => set({ target: event.target.value })} />
              <datalist id={ids.targets}>
                {targets.map((target) => (
                  <option key={target} value={target} />
                ))}
              </datalist>
            </>
          )}
        </Field>
      )}
      <Field label="Agent host">
        {(id) => (
          <input id={id} list={ids.hosts} value={scope.host ?? ''} placeholder="every host" onChange={(event) => set({ host: event.target.value })} />
        )}
      </Field>
      <datalist id={ids.hosts}>
        {choices?.hosts.map((host) => (
          <option key={host} value={host} />
        ))}
      </datalist>
    </fieldset>
  )
}
