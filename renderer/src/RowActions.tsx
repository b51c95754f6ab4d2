import { AmountChange } from './AmountChange.js'
import type * as Api from './Api.js'
import type { Change } from './useChange.js'

/** A rule's or budget's row actions: Change amount and Remove, each followed by reading the list again. */
export function RowActions(props: {
  what: 'rule' | 'budget'
  id: number
  amountText: string
  change: Change
  save(amount: string): Promise<Api.Done>
  remove(): Promise<Api.Done>
  reload(): void
}) {
  const { what, id, amountText, change, save, remove, reload } = props
  return (
    <td className="row-actions">
      <AmountChange current={amountText} change={change} onSave={(amount) => change.run(() => save(amount), reload)} />
      <button type="button" className="link danger" onClick={() => void change.run(remove, reload)} aria-label={`Remove ${what} ${id}`}>
        Remove
      </button>
    </td>
  )
}
