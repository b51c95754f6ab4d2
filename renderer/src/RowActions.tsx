import type * as Api from './Api.js'
import type { Change } from './useChange.js'

/** A row's one action that ends what the row stands for (Revoke a lease, Stop sharing, Cancel a subscription), then reloads the list. */
export function EndAction(props: { text: string; label: string; change: Change; end(): Promise<Api.Done>; onEnded(): void }) {
  const { text, label, change, end, onEnded } = props
  return (
    <button type="button" className="link danger" onClick={() => void change.run(end, onEnded)} aria-label={label}>
      {text}
    </button>
  )
}

/** A rule's or budget's row actions: Edit (the form opens below the table) and Remove (then Undo, for a few seconds). */
export function RowActions(props: { what: 'rule' | 'budget'; id: number; editing: boolean; change: Change; onEdit(): void; remove(): Promise<Api.Done>; onRemoved(): void }) {
  const { what, id, editing, change, onEdit, remove, onRemoved } = props
  return (
    <td className="row-actions">
      <button type="button" className="link" onClick={onEdit} aria-expanded={editing} aria-label={`Edit ${what} ${id}`}>
        Edit
      </button>
      <button type="button" className="link danger" onClick={() => void change.run(remove, onRemoved)} aria-label={`Remove ${what} ${id}`}>
        Remove
      </button>
    </td>
  )
}
