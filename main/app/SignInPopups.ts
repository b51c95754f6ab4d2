import { screen, type BrowserWindow } from 'electron'
import type { Broker } from '../auth/Broker.js'
import * as Windows from './Windows.js'

/**
 * A small window on top of the others for each sign-in waiting for the human, opened when the
 * sign-in starts and closed when it ends (signed in, Not now, timed out), wherever it was
 * answered. A popup the user closes stays closed; the tray opens it again.
 */
export type SignInPopups = {
  show(id: number): void
  close(): void
}

export const size = { width: 560, height: 520 }

type Auth = Pick<Broker, 'pending'> & {
  on(event: 'added', listener: (request: Broker.Request) => void): void
  on(event: 'resolved', listener: (request: Broker.Request) => void): void
  off(event: string, listener: (...args: any[]) => void): void
}

export function start(auth: Auth): SignInPopups {
  const open = new Map<number, BrowserWindow>()
  const show = (id: number) => {
    const existing = open.get(id)
    if (existing && !existing.isDestroyed()) {
      existing.show()
      existing.focus()
      return
    }
    const area = screen.getDisplayNearestPoint(screen.getCursorScreenPoint()).workArea
    const window = Windows.create({
      ...size,
      ...Windows.cascade(area, size, open.size),
      title: 'Allowance: sign in',
      useContentSize: true,
      hash: `signin=${id}`,
      alwaysOnTop: true,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
    })
    open.set(id, window)
    window.once('closed', () => {
      if (open.get(id) === window) open.delete(id)
    })
  }
  const onAdded = (request: Broker.Request) => show(request.id)
  const onResolved = (request: Broker.Request) => {
    const window = open.get(request.id)
    open.delete(request.id)
    if (window && !window.isDestroyed()) window.close()
  }
  auth.on('added', onAdded)
  auth.on('resolved', onResolved)
  for (const request of auth.pending()) show(request.id)
  return {
    show,
    close() {
      auth.off('added', onAdded)
      auth.off('resolved', onResolved)
      for (const window of open.values()) if (!window.isDestroyed()) window.close()
      open.clear()
    },
  }
}
