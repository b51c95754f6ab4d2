import type { KeyboardEvent } from 'react'

const next = { horizontal: { ArrowRight: 1, ArrowLeft: -1 }, vertical: { ArrowDown: 1, ArrowUp: -1 } } as const

/**
 * Arrow keys (and Home, End) move the focus between the buttons of a tab bar or list, as they do
 * between a desktop app's tabs; Tab still leaves it. Put it on the container's `onKeyDown`.
 */
export function arrowFocus(orientation: keyof typeof next, selector = 'button') {
  return (event: KeyboardEvent<HTMLElement>) => {
    const items = [...event.currentTarget.querySelectorAll<HTMLElement>(selector)]
    const at = items.indexOf(document.activeElement as HTMLElement)
    if (at < 0) return
    const step = (next[orientation] as Record<string, number>)[event.key]
    const target = event.key === 'Home' ? 0 : event.key === 'End' ? items.length - 1 : step === undefined ? undefined : (at + step + items.length) % items.length
    if (target === undefined) return
    event.preventDefault()
    items[target]!.focus()
  }
}
