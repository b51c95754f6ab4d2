import { useId, useState, type FormEvent } from 'react'
import { Field } from './Field.js'
import type { Change } from './useChange.js'

export type NewServer = { host: string; name: string; url: string; headers: string[] }

/** A paid server added to a host's config, as `allowance install <host> <name> <url> [--header …]` adds it. */
export function AddServerForm(props: { hosts: { id: string; title: string }[]; change: Change; add(server: NewServer): Promise<boolean> }) {
  const heading = useId()
  const [host, setHost] = useState(props.hosts[0]?.id ?? '')
  const [name, setName] = useState('')
  const [url, setUrl] = useState('')
  const [header, setHeader] = useState('')
  const submit = async (event: FormEvent) => {
    event.preventDefault()
    const added = await props.add({ host, name: name.trim(), url: url.trim(), headers: header.trim() ? [header.trim()] : [] })
    if (added) {
      setName('')
      setUrl('')
      setHeader('')
    }
  }
  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Add a server to a host</h2>
      <form className="add" onSubmit={(event) => void submit(event)}>
        <Field label="Host">
          {(id) => (
            <select id={id} value={host} onChange={(event) => setHost(event.target.value)}>
              {props.hosts.map((option) => (
                <option key={option.id} value={option.id}>
                  {option.title}
                </option>
              ))}
            </select>
          )}
        </Field>
        <Field label="Name">{(id) => <input id={id} value={name} required placeholder="search" onChange={(event) => setName(event.target.value)} />}</Field>
        <Field label="Server URL">
          {(id) => <input id={id} type="url" value={url} required placeholder="https://tools.example.com/mcp" onChange={(event) => setUrl(event.target.value)} />}
        </Field>
        <Field label="Header (optional)">
          {(id) => <input id={id} value={header} placeholder="X-Api-Key: ${SEARCH_KEY}" onChange={(event) => setHeader(event.target.value)} />}
        </Field>
        <button type="submit" className="approve" disabled={props.change.busy}>
          Add server
        </button>
      </form>
      <p className="muted">A header that carries a secret goes in as {'${VAR}'}, read from the host's environment when it starts the server: no secret is written to its file.</p>
    </section>
  )
}
