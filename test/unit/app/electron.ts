// A stand-in for the parts of Electron the app's main process uses (the Electron binary cannot
// run here), recording what the app asks of it so tests can check what a user would see.
// Tests load it with `vi.mock('electron', () => import('./electron.js'))`.
import { EventEmitter } from 'node:events'

type Handler = (...args: any[]) => any

export class WebContents extends EventEmitter {
  url = ''
  readonly sent: { channel: string; payload: unknown }[] = []
  windowOpenHandler: Handler | undefined
  setWindowOpenHandler(handler: Handler) {
    this.windowOpenHandler = handler
  }
  send(channel: string, payload: unknown) {
    this.sent.push({ channel, payload })
  }
  getURL() {
    return this.url
  }
}

export class BrowserWindow extends EventEmitter {
  static windows: BrowserWindow[] = []
  static getAllWindows() {
    return BrowserWindow.windows.filter((window) => !window.destroyed)
  }
  readonly webContents = new WebContents()
  destroyed = false
  focused = false
  constructor(readonly options: Record<string, any>) {
    super()
    BrowserWindow.windows.push(this)
    app.emit('web-contents-created', {}, this.webContents)
  }
  loadURL(url: string) {
    this.webContents.url = url
    return Promise.resolve()
  }
  show() {}
  focus() {
    this.focused = true
  }
  isDestroyed() {
    return this.destroyed
  }
  isMinimized() {
    return false
  }
  restore() {}
  close() {
    if (this.destroyed) return
    this.destroyed = true
    this.emit('closed')
  }
}

class App extends EventEmitter {
  isPackaged = false
  badgeCount = 0
  quits = 0
  loginItem = { openAtLogin: false, args: [] as string[] }
  getAppPath() {
    return '/opt/allowance'
  }
  getLoginItemSettings() {
    return { openAtLogin: this.loginItem.openAtLogin, wasOpenedAtLogin: false }
  }
  setLoginItemSettings(settings: { openAtLogin: boolean; args?: string[] }) {
    this.loginItem = { openAtLogin: settings.openAtLogin, args: settings.args ?? [] }
  }
  setBadgeCount(count: number) {
    this.badgeCount = count
    return true
  }
  requestSingleInstanceLock() {
    return true
  }
  whenReady() {
    return Promise.resolve()
  }
  setAppUserModelId() {}
  quit() {
    this.quits++
  }
  exit(code: number) {
    throw new Error(`the app exited with ${code}`)
  }
}
export const app = new App()

export const dialog = {
  showMessageBox: async () => ({ response: 1 }),
  showErrorBox: (title: string, content: string) => {
    throw new Error(`${title}: ${content}`)
  },
}

export class Tray extends EventEmitter {
  static last: Tray | undefined
  image: { path: string } | undefined
  tooltip = ''
  title = ''
  menu: { template: any[] } | undefined
  destroyed = false
  constructor(image: { path: string }) {
    super()
    this.image = image
    Tray.last = this
  }
  setImage(image: { path: string }) {
    this.image = image
  }
  setToolTip(text: string) {
    this.tooltip = text
  }
  setTitle(title: string) {
    this.title = title
  }
  setContextMenu(menu: { template: any[] }) {
    this.menu = menu
  }
  destroy() {
    this.destroyed = true
  }
}

export const Menu = { buildFromTemplate: (template: any[]) => ({ template }) }
export const nativeImage = { createFromPath: (path: string) => ({ path }) }

export class Notification extends EventEmitter {
  static shown: { title: string; body: string }[] = []
  static isSupported() {
    return true
  }
  constructor(readonly options: { title: string; body: string }) {
    super()
  }
  show() {
    Notification.shown.push(this.options)
  }
}

export const ipcMain = {
  handlers: new Map<string, Handler>(),
  handle(channel: string, handler: Handler) {
    if (this.handlers.has(channel)) throw new Error(`a second handler for ${channel}`)
    this.handlers.set(channel, handler)
  },
  removeHandler(channel: string) {
    this.handlers.delete(channel)
  },
}

export const protocol = { privileged: [] as unknown[], registerSchemesAsPrivileged: (schemes: unknown[]) => void protocol.privileged.push(...schemes) }

export const screen = {
  getCursorScreenPoint: () => ({ x: 100, y: 100 }),
  getDisplayNearestPoint: () => ({ workArea: { x: 0, y: 25, width: 1440, height: 875 } }),
}

export const session = {
  defaultSession: {
    permissionRequest: undefined as Handler | undefined,
    permissionCheck: undefined as Handler | undefined,
    devicePermission: undefined as Handler | undefined,
    schemes: new Map<string, Handler>(),
    setPermissionRequestHandler(handler: Handler) {
      this.permissionRequest = handler
    },
    setPermissionCheckHandler(handler: Handler) {
      this.permissionCheck = handler
    },
    setDevicePermissionHandler(handler: Handler) {
      this.devicePermission = handler
    },
    protocol: {
      handle: (scheme: string, handler: Handler) => void session.defaultSession.schemes.set(scheme, handler),
    },
  },
}

/** Forgets every window, notification and handler (between tests). */
export function reset(): void {
  BrowserWindow.windows = []
  Notification.shown = []
  Tray.last = undefined
  ipcMain.handlers.clear()
  app.removeAllListeners()
  app.loginItem = { openAtLogin: false, args: [] }
  app.badgeCount = 0
  app.quits = 0
}
