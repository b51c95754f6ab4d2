import type { MouseEvent } from 'react'

/**
 * A click handler that runs `run` for a click made with the pointer only: Enter or Space on a
 * focused button also clicks it, and a key pressed for something else must never approve or share.
 * (Approving from the keyboard is Ctrl+Enter, on purpose.)
 */
export function byPointer(run: () => void) {
  return (event: MouseEvent) => {
    if (event.detail !== 0) run()
  }
}
