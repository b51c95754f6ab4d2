import type { ReactNode } from 'react'
import { Field } from './Field.js'

/** The form that adds (or edits) a rule or budget: its fields, an optional label, the button, and Cancel for an edit. */
export function AddForm(props: { name: string; submit: string; busy: boolean; label: string; onLabel(label: string): void; onSubmit(): void; onCancel?(): void; children: ReactNode }) {
  const { name, submit, busy, label, onLabel, onSubmit, onCancel, children } = props
  return (
    <form
      className="add"
      aria-label={name}
      onSubmit={(event) => {
        event.preventDefault()
        onSubmit()
      }}
    >
      {children}
      <Field label="Label">{(id) => <input id={id} value={label} placeholder="optional" onChange={(event) => onLabel(event.target.value)} />}</Field>
      <button type="submit" disabled={busy}>
        {submit}
      </button>
      {onCancel && (
        <button type="button" onClick={onCancel}>
          Cancel
        </button>
      )}
    </form>
  )
}
