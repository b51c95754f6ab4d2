import { useEffect, useState } from 'react'
import { Field } from './Field.js'

/** How long typing pauses before the search goes to the companion. */
const pauseMs = 250

/**
 * The history's search box: text in the call, server, host, recipient, transaction or receipt
 * reference or challenge id, or a payment id. The companion's ledger searches, once typing pauses.
 */
export function SearchField(props: { value: string; onChange(value: string): void }) {
  const { value, onChange } = props
  const [text, setText] = useState(value)
  useEffect(() => setText(value), [value])
  useEffect(() => {
    if (text === value) return
    const timer = setTimeout(() => onChange(text), pauseMs)
    return () => clearTimeout(timer)
  }, [text])
  return (
    <Field label="Search">
      {(id) => <input id={id} type="search" value={text} placeholder="tool, server, host, 0x…, #id" onChange={(event) => setText(event.target.value)} />}
    </Field>
  )
}
