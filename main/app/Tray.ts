import { app, Menu, nativeImage, Tray as ElectronTray } from 'electron'
import { join } from 'node:path'
import type * as Queue from '../approvals/Queue.js'
import type { Broker } from '../auth/Broker.js'
import type { PaymentEvent } from '../companion/Companion.js'
import * as TrayViews from '../companion/TrayViews.js'
import type { LoginItem } from './LoginItem.js'
import * as TrayMenu from './TrayMenu.js'

/**
 * The tray icon and its menu, kept current: the icon (and on macOS a count beside it, and the
 * dock badge) changes while payments wait; the menu follows the queue, the ledger and the clock.
 */
export type Tray = { destroy(): void }

export type Companion = Parameters<typeof TrayViews.glance>[0] & {
  queue: Queue.Queue
  /** The sign-ins waiting for the human (the OAuth broker). */
  auth?: Pick<Broker, 'pending' | 'on' | 'off'>
  setPaused(paused: boolean): void
  onPayment(listener: (event: PaymentEvent) => void): () => void
}

export type Actions = { openApproval(paymentId: number): void; openSignIn?(id: number): void; openMain(): void; quit(): void }

/** The update waiting for a restart, where updates are on (see Updater.ts). */
export type Update = { ready(): string | undefined; restart(): void; onReady(listener: () => void): () => void }

export function start(companion: Companion, loginItem: LoginItem, actions: Actions, platform: NodeJS.Platform = process.platform, update?: Update): Tray {
  const tray = new ElectronTray(icon(platform, false))
  let midnight: NodeJS.Timeout | undefined
  let changed: NodeJS.Timeout | undefined

  const refresh = () => {
    const now = new Date()
    const { stale, ...glance } = TrayViews.glance(companion, now)
    const signIns = companion.auth?.pending().map(({ id, label, hosts }) => ({ id, label, hosts })) ?? []
    const state: TrayMenu.State = { ...glance, openAtLogin: loginItem.enabled(), signIns, update: update?.ready() }
    const waiting = state.waitingCount > 0 || signIns.length > 0
    tray.setImage(icon(platform, waiting))
    tray.setToolTip(TrayMenu.tooltip(state))
    if (platform === 'darwin') tray.setTitle(waiting ? String(state.waitingCount) : '')
    app.setBadgeCount(state.waitingCount)
    tray.setContextMenu(Menu.buildFromTemplate(TrayMenu.template(TrayMenu.model(state), perform)))
    // "Spent today" starts again at midnight.
    clearTimeout(midnight)
    midnight = setTimeout(refresh, stale - now.getTime() + 1000)
  }

  const perform = (action: TrayMenu.Action) => {
    switch (action.kind) {
      case 'approval':
        return actions.openApproval(action.paymentId)
      case 'signin':
        return actions.openSignIn?.(action.id)
      case 'open':
        return actions.openMain()
      case 'pause':
      case 'resume':
        companion.setPaused(action.kind === 'pause')
        return refresh()
      case 'login':
        loginItem.set(action.enabled)
        return refresh()
      case 'update':
        return update?.restart()
      case 'quit':
        return actions.quit()
    }
  }

  // Under load payments move thousands of times a second: rebuild the menu at most a few times.
  const stopPayments = companion.onPayment(() => {
    changed ??= setTimeout(() => {
      changed = undefined
      refresh()
    }, 250)
  })
  companion.queue.on('added', refresh)
  companion.queue.on('resolved', refresh)
  companion.auth?.on('added', refresh)
  companion.auth?.on('resolved', refresh)
  const stopUpdate = update?.onReady(refresh)
  // On Windows a click on a tray icon opens its app; the menu is on the right button.
  if (platform === 'win32') tray.on('click', () => actions.openMain())
  refresh()

  return {
    destroy() {
      stopPayments()
      stopUpdate?.()
      companion.queue.off('added', refresh)
      companion.queue.off('resolved', refresh)
      companion.auth?.off('added', refresh)
      companion.auth?.off('resolved', refresh)
      clearTimeout(midnight)
      clearTimeout(changed)
      tray.destroy()
    },
  }
}

/** The tray image: a template image on macOS (the menu bar colours it), in colour elsewhere; with a badge while payments wait. */
export function iconFile(platform: NodeJS.Platform, waiting: boolean): string {
  if (platform === 'darwin') return waiting ? 'trayWaitingTemplate.png' : 'trayTemplate.png'
  return waiting ? 'tray-waiting.png' : 'tray.png'
}

/** The icons sit in `assets/` beside the built main process (electron.vite.config.ts copies them), and beside this file in the sources. */
function icon(platform: NodeJS.Platform, waiting: boolean) {
  return nativeImage.createFromPath(join(import.meta.dirname, 'assets', iconFile(platform, waiting)))
}
