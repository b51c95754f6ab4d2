import { app, BrowserWindow, type BrowserWindowConstructorOptions, type Rectangle, type Session, type WebContents, type WebPreferences } from 'electron'
import { join } from 'node:path'
import * as RendererProtocol from './RendererProtocol.js'

/**
 * How the app's windows are made. A page reaches nothing but the preload's typed API: no Node, no
 * Electron, no other origin, no navigation, no new windows, no webviews, no permissions.
 */

/** The options every window is created with. */
export function webPreferences(): WebPreferences {
  return {
    preload: join(import.meta.dirname, '../preload/index.cjs'),
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
    spellcheck: false,
  }
}

export type Options = Omit<BrowserWindowConstructorOptions, 'webPreferences' | 'show'> & {
  /** What the page shows: `approval=12` for that payment's popup, nothing for the main window. */
  hash?: string
}

/** A window showing the UI page, hardened, shown and focused once its page is ready. */
export function create(options: Options): BrowserWindow {
  const { hash, ...windowOptions } = options
  const window = new BrowserWindow({ ...windowOptions, show: false, webPreferences: webPreferences() })
  window.once('ready-to-show', () => {
    window.show()
    window.focus()
  })
  void window.loadURL(RendererProtocol.pageUrl(hash))
  return window
}

/**
 * Applies the policy to the app: every web contents is guarded the moment it exists (whoever
 * creates it), and the session denies every permission and serves the UI with its CSP.
 */
export function enforce(session: Session): void {
  app.on('web-contents-created', (_event, contents) => guard(contents))
  session.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  session.setPermissionCheckHandler(() => false)
  session.setDevicePermissionHandler(() => false)
  RendererProtocol.serve(session)
}

/** Nothing in the UI navigates, opens windows or attaches webviews: a page that tries is not ours. */
function guard(contents: WebContents): void {
  contents.on('will-frame-navigate', (event) => event.preventDefault())
  contents.on('will-attach-webview', (event) => event.preventDefault())
  contents.setWindowOpenHandler(() => ({ action: 'deny' }))
}

/** Where the `index`th of several stacked windows goes: centred in `area`, each one a step down and right. */
export function cascade(area: Rectangle, size: { width: number; height: number }, index: number): { x: number; y: number } {
  const step = 28
  const x = area.x + Math.max(0, Math.round((area.width - size.width) / 2)) + index * step
  const y = area.y + Math.max(0, Math.round((area.height - size.height) / 3)) + index * step
  return { x: Math.min(x, area.x + Math.max(0, area.width - size.width)), y: Math.min(y, area.y + Math.max(0, area.height - size.height)) }
}
