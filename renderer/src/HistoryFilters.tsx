import type * as Api from './Api.js'
import { Field } from './Field.js'
import { SearchField } from './SearchField.js'

const states = ['confirmed', 'accepted', 'sent', 'unconfirmed', 'failed', 'declined', 'approved', 'signed', 'requested'] as const

/** The history's filter: a search, server, agent host, call, state and a date range, each applied as soon as it is picked. */
export function HistoryFilters(props: { filter: Api.HistoryFilter; choices: Api.Choices | undefined; onChange(filter: Api.HistoryFilter): void }) {
  const { filter, choices, onChange } = props
  const set = (change: Api.HistoryFilter) => onChange({ ...filter, ...change })
  const call = filter.operation && filter.target ? `${filter.operation} ${filter.target}` : ''
  const setCall = (value: string) => {
    const space = value.indexOf(' ')
    set(space < 0 ? { operation: undefined, target: undefined } : { operation: value.slice(0, space), target: value.slice(space + 1) })
  }
  return (
    <form className="filters" role="search" aria-label="Filter payments" onSubmit={(event) => event.preventDefault()}>
      <SearchField value={filter.search ?? ''} onChange={(search) => set({ search })} />
      <Field label="Server">
        {(id) => (
          <select id={id} value={filter.server ?? ''} onChange={(event) => set({ server: event.target.value })}>
            <option value="">Every server</option>
            {choices?.servers.map((server) => (
              <option key={server.upstream} value={server.upstream}>
                {server.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Agent host">
        {(id) => (
          <select id={id} value={filter.host ?? ''} onChange={(event) => set({ host: event.target.value })}>
            <option value="">Every host</option>
            {choices?.hosts.map((host) => (
              <option key={host} value={host}>
                {host}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="Call">
        {(id) => (
          <select id={id} value={call} onChange={(event) => setCall(event.target.value)}>
            <option value="">Every call</option>
            {choices?.calls.map((choice) => (
              <option key={`${choice.operation} ${choice.target}`} value={`${choice.operation} ${choice.target}`}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="State">
        {(id) => (
          <select id={id} value={filter.status ?? ''} onChange={(event) => set({ status: event.target.value })}>
            <option value="">Every state</option>
            {states.map((state) => (
              <option key={state} value={state}>
                {state}
              </option>
            ))}
          </select>
        )}
      </Field>
      <Field label="From">
        {(id) => (
          <input id={id} type="date" value={filter.since ?? ''} onChange={(event) => set({ since: event.target.value })} />
        )}
      </Field>
      <Field label="To">
        {(id) => (
          <input id={id} type="date" value={filter.until ?? ''} onChange={(event) => set({ until: event.target.value })} />
        )}
      </Field>
      <button type="button" onClick={() => onChange({})} disabled={Object.values(filter).every((value) => !value)}>
        Clear filters
      </button>
    </form>
  )
}
