import { useState } from 'react'
import type { Change } from './useChange.js'

/** "Change amount" on a rule's or budget's row: an inline field, Save and Cancel; the companion checks what is typed. */
export function AmountChange(props: { current: string; change: Change; onSave(amount: string): Promise<boolean> }) {
  const { current, change, onSave } = props
  const [editing, setEditing] = useState(false)
  const [amount, setAmount] = useState(current)
  if (!editing) {
    return (
      <button
        type="button"
        className="link"
        onClick={() => {
          setAmount(current)
          setEditing(true)
        }}
      >
        Change amount
      </button>
    )
  }
  return (
    <form
      className="inline"
      onSubmit={(event) => {
        event.preventDefault()
        void onSave(amount).then((saved) => saved && setEditing(false))
      }}
    >
      <input aria-label="New amount" inputMode="decimal" value={amount} onChange={(event) => setAmount(event.target.value)} disabled={change.busy} autoFocus />
      <button type="submit" disabled={change.busy}>
        Save
      </button>
      <button type="button" onClick={() => setEditing(false)}>
        Cancel
      </button>
    </form>
  )
}
