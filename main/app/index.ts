import { app, BrowserWindow, session } from 'electron'
import { join } from 'node:path'

// The Electron face of the companion. It stays thin: the companion core runs the same under
// plain Node (`allowance daemon`); this shell only adds windows (and, with the app issue, the
// tray, approval popups and notifications).
if (!app.requestSingleInstanceLock()) app.quit()

function createMainWindow(): BrowserWindow {
  const window = new BrowserWindow({
    width: 1000,
    height: 700,
    title: 'Allowance',
    webPreferences: {
      preload: join(__dirname, '../preload/index.cjs'),
      contextIsolation: true,
      sandbox: true,
      nodeIntegration: false,
    },
  })
  // Nothing in the UI navigates or opens windows; a page that tries is not ours.
  window.webContents.on('will-navigate', (event) => event.preventDefault())
  window.webContents.setWindowOpenHandler(() => ({ action: 'deny' }))
  void window.loadFile(join(__dirname, '../renderer/index.html'))
  return window
}

app.on('second-instance', () => BrowserWindow.getAllWindows()[0]?.focus())
app.whenReady().then(() => {
  session.defaultSession.setPermissionRequestHandler((_contents, _permission, callback) => callback(false))
  createMainWindow()
})
app.on('window-all-closed', () => {
  if (process.platform !== 'darwin') app.quit()
})
