import type { BrowserWindow } from 'electron'
import * as Windows from './Windows.js'

/** The main window (approvals, history, rules and budgets, wallet, servers): at most one, made when first asked for. */
export type MainWindow = {
  /** Shows and focuses the window, creating it if needed. */
  show(): void
}

export function create(): MainWindow {
  let window: BrowserWindow | undefined
  return {
    show() {
      if (window && !window.isDestroyed()) {
        if (window.isMinimized()) window.restore()
        window.show()
        window.focus()
        return
      }
      window = Windows.create({ width: 1000, height: 700, minWidth: 560, minHeight: 420, title: 'Allowance' })
    },
  }
}
