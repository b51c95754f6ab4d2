import type { MenuItemConstructorOptions } from 'electron'
import * as TrayViews from '../companion/TrayViews.js'

/**
 * The tray menu: what waits for the human, what was spent today, the kill switch, the main window,
 * starting at login and quitting. {@link model} is pure; {@link template} turns it into Electron's.
 */

/**
 * The companion's glance, whether the app starts at login (undefined where the OS gives no way
 * to), the servers waiting for the human to sign in, and the version of an update downloaded and
 * waiting for a restart.
 */
export type State = Omit<TrayViews.Glance, 'stale'> & {
  openAtLogin: boolean | undefined
  /** Servers waiting for the human to sign in. */
  signIns?: readonly { id: number; label: string; hosts: readonly string[] }[]
  update?: string | undefined
}

export type Action =
  | { kind: 'approval'; paymentId: number }
  | { kind: 'signin'; id: number }
  | { kind: 'open' }
  | { kind: 'pause' }
  | { kind: 'resume' }
  | { kind: 'login'; enabled: boolean }
  | { kind: 'update' }
  | { kind: 'quit' }

export type Item = { type: 'separator' } | { type: 'normal' | 'checkbox'; label: string; action?: Action; checked?: boolean }

export function model(state: State): Item[] {
  const { waiting, waitingCount, spentToday, paused, openAtLogin, update } = state
  const items: Item[] = []
  for (const { id, label, hosts } of state.signIns ?? []) {
    items.push({ type: 'normal', label: `Sign in to ${shorten(label)} (${shorten(hosts.join(', '))})…`, action: { kind: 'signin', id } })
  }
  if (state.signIns?.length) items.push({ type: 'separator' })
  if (waitingCount === 0) items.push({ type: 'normal', label: 'No payments wait for you' })
  else {
    items.push({ type: 'normal', label: `${waitingCount} payment${waitingCount === 1 ? ' waits' : 's wait'} for you` })
    for (const { paymentId, amount, target, host } of waiting) {
      items.push({ type: 'normal', label: `${amount} for ${shorten(target)} (${shorten(host)})…`, action: { kind: 'approval', paymentId } })
    }
    if (waitingCount > waiting.length) items.push({ type: 'normal', label: `${waitingCount - waiting.length} more…`, action: { kind: 'open' } })
  }
  items.push({ type: 'separator' }, { type: 'normal', label: `Spent today: ${spentToday.join(', ') || 'nothing'}` })
  if (paused) items.push({ type: 'normal', label: 'Paused: every payment is declined' }, { type: 'normal', label: 'Resume payments', action: { kind: 'resume' } })
  else items.push({ type: 'normal', label: 'Pause payments', action: { kind: 'pause' } })
  items.push({ type: 'separator' }, { type: 'normal', label: 'Open Allowance', action: { kind: 'open' } })
  if (openAtLogin !== undefined) items.push({ type: 'checkbox', label: 'Start at login', checked: openAtLogin, action: { kind: 'login', enabled: !openAtLogin } })
  if (update !== undefined) items.push({ type: 'separator' }, { type: 'normal', label: `Update ready — restart (${update})`, action: { kind: 'update' } })
  items.push({ type: 'separator' }, { type: 'normal', label: 'Quit Allowance', action: { kind: 'quit' } })
  return items
}

/** A tool name or resource URI can be long: menus show its start. */
function shorten(text: string, length = 40): string {
  return text.length > length ? `${text.slice(0, length - 1)}…` : text
}

/** The tray's tooltip. */
export function tooltip(state: State): string {
  if (state.signIns?.length) return `Allowance: sign in to ${state.signIns.map((request) => request.label).join(', ')}`
  if (state.waitingCount > 0) return `Allowance: ${state.waitingCount} payment${state.waitingCount === 1 ? ' waits' : 's wait'} for you`
  return state.paused ? 'Allowance: payments paused' : 'Allowance'
}

/** Electron's menu template; items without an action are shown greyed out. */
export function template(items: readonly Item[], perform: (action: Action) => void): MenuItemConstructorOptions[] {
  return items.map((item) => {
    if (item.type === 'separator') return { type: 'separator' }
    const { action } = item
    return {
      type: item.type,
      label: item.label,
      ...(item.type === 'checkbox' ? { checked: item.checked ?? false } : {}),
      ...(action ? { click: () => perform(action) } : { enabled: false }),
    }
  })
}
