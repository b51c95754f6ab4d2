import { screen, type BrowserWindow } from 'electron'
import type { Decision } from '../approvals/Decision.js'
import type * as Queue from '../approvals/Queue.js'
import * as Windows from './Windows.js'

/**
 * A small, focused, always-on-top window for each payment waiting for the human, opened when the
 * payment joins the queue and closed when it is answered (here, in the main window, by the
 * timeout, or by the agent giving up). A few at a time: when more wait, the main window's queue
 * (with "Decline all") shows them, and the next popup opens as one closes. A popup the user
 * closes unanswered stays closed; the tray menu opens it again.
 */
export type ApprovalPopups = {
  /** Opens (or brings forward) the popup of a waiting payment. */
  show(paymentId: number): void
  /** Closes every popup and stops following the queue. */
  close(): void
}

export const maxOpen = 3
/** The approval card's width with the page's margins. */
export const size = { width: 628, height: 720 }

export function start(queue: Queue.Queue, options: { overflow(): void }): ApprovalPopups {
  const open = new Map<number, BrowserWindow>()
  /** Closed by the user while still waiting: not reopened by itself. */
  const dismissed = new Set<number>()

  const show = (paymentId: number) => {
    const existing = open.get(paymentId)
    if (existing && !existing.isDestroyed()) {
      existing.show()
      existing.focus()
      return
    }
    dismissed.delete(paymentId)
    const area = screen.getDisplayNearestPoint(screen.getCursorScreenPoint()).workArea
    const window = Windows.create({
      ...size,
      ...Windows.cascade(area, size, open.size),
      title: 'Allowance: a payment waits for you',
      useContentSize: true,
      hash: `approval=${paymentId}`,
      alwaysOnTop: true,
      minimizable: false,
      maximizable: false,
      fullscreenable: false,
    })
    open.set(paymentId, window)
    window.once('closed', () => {
      if (open.get(paymentId) !== window) return
      open.delete(paymentId)
      if (queue.list().some((entry) => entry.paymentId === paymentId)) dismissed.add(paymentId)
    })
  }

  /**
   * Opens popups for waiting payments that have none, oldest first, up to the limit; after the
   * current turn, so that "Decline all" does not flash up popups for payments it is declining.
   */
  let filling: NodeJS.Immediate | undefined
  const fill = () => {
    filling ??= setImmediate(() => {
      filling = undefined
      fillNow()
    })
  }
  const fillNow = () => {
    for (const entry of queue.list()) {
      if (open.size >= maxOpen) return
      if (!open.has(entry.paymentId) && !dismissed.has(entry.paymentId)) show(entry.paymentId)
    }
  }

  const onAdded = (entry: Queue.Entry) => {
    if (open.size < maxOpen) show(entry.paymentId)
    else options.overflow()
  }
  const onResolved = (entry: Queue.Entry, _decision: Decision) => {
    dismissed.delete(entry.paymentId)
    const window = open.get(entry.paymentId)
    open.delete(entry.paymentId)
    if (window && !window.isDestroyed()) window.close()
    fill()
  }
  queue.on('added', onAdded)
  queue.on('resolved', onResolved)
  fillNow()

  return {
    show,
    close() {
      queue.off('added', onAdded)
      queue.off('resolved', onResolved)
      clearImmediate(filling)
      for (const window of open.values()) if (!window.isDestroyed()) window.close()
      open.clear()
    },
  }
}
