import { useEffect } from 'react'
import type * as Api from './Api.js'
import type { Change } from './useChange.js'

/** How long Undo is offered after a removal. */
const undoMs = 5_000

/**
 * Undo after a rule or budget was removed, for a few seconds: the companion puts the same row back
 * (the id the history names, and a budget's use, carry on). It takes the focus the removed row's
 * button had.
 */
export function UndoRemove(props: { what: 'rule' | 'budget'; id: number; change: Change; restore(): Promise<Api.Done>; onDone(): void }) {
  const { what, id, change, restore, onDone } = props
  useEffect(() => {
    const timer = setTimeout(onDone, undoMs)
    return () => clearTimeout(timer)
  }, [what, id])
  return (
    <p className="undo">
      <button type="button" autoFocus disabled={change.busy} onClick={() => void change.run(restore, onDone)} aria-label={`Undo removing ${what} ${id}`}>
        Undo
      </button>
    </p>
  )
}
