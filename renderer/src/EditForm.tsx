import { useState } from 'react'
import { AddForm } from './AddForm.js'
import type * as Api from './Api.js'
import { Field } from './Field.js'
import { ScopeFields } from './ScopeFields.js'
import type { Change } from './useChange.js'

/**
 * Edits a rule or budget: its amount (in its own unit), what it applies to and its label. The
 * companion checks them as it checks a new one; saved, the edit decides the next payment.
 */
export function EditForm(props: {
  what: 'rule' | 'budget'
  id: number
  /** The unit the amount is in: "USD". */
  unit: string
  initial: Api.Edit
  choices: Api.Choices | undefined
  change: Change
  save(edit: Api.Edit): Promise<Api.Done>
  onClose(): void
}) {
  const { what, id, unit, choices, change, save, onClose } = props
  const [draft, setDraft] = useState(props.initial)
  return (
    <AddForm
      name={`Edit ${what} ${id}`}
      submit="Save"
      busy={change.busy}
      label={draft.label}
      onLabel={(label) => setDraft({ ...draft, label })}
      onSubmit={() => void change.run(() => save(draft), onClose)}
      onCancel={onClose}
    >
      <h3 className="form-title">
        Edit {what} {id}
      </h3>
      <Field label={`Amount (${unit})`}>
        {(field) => <input id={field} inputMode="decimal" value={draft.amount} autoFocus onChange={(event) => setDraft({ ...draft, amount: event.target.value })} />}
      </Field>
      <ScopeFields scope={draft.scope} choices={choices} disabled={change.busy} onChange={(scope) => setDraft({ ...draft, scope })} />
    </AddForm>
  )
}
