import { app, dialog, session } from 'electron'
import * as Service from '../companion/Service.js'
import * as DesktopApp from '../shared/DesktopApp.js'
import * as Home from '../shared/Home.js'
import * as Log from '../shared/Log.js'
import * as ApprovalPopups from './ApprovalPopups.js'
import * as Instance from './Instance.js'
import * as IpcTransport from './IpcTransport.js'
import * as LoginItem from './LoginItem.js'
import * as MainWindow from './MainWindow.js'
import * as Notifier from './Notifier.js'
import * as RendererProtocol from './RendererProtocol.js'
import * as SignInPopups from './SignInPopups.js'
import * as Tray from './Tray.js'
import * as Updater from './Updater.js'
import * as Windows from './Windows.js'

// The Electron face of the companion: the same core as `allowance daemon`, plus a tray, a popup
// per payment and per sign-in waiting for the human, notifications and the main window. It lives in the tray:
// closing every window leaves it serving the agents' bridges until Quit.
/** electron-builder.yml's appId: Windows shows notifications only for an app with this identity. */
const appId = 'dev.allowance.app'

RendererProtocol.register()
if (!app.requestSingleInstanceLock()) app.quit()
else app.whenReady().then(start, fail)

async function start(): Promise<void> {
  if (process.platform === 'win32') app.setAppUserModelId(appId)
  Windows.enforce(session.defaultSession)
  const home = Home.resolve()
  const log = Log.create({ name: 'companion', directory: Home.paths(home).logs })
  const service = await Instance.acquire(home, log, async (prompt) => {
    const { response } = await dialog.showMessageBox({ type: 'question', ...prompt, defaultId: 0, cancelId: 1, noLink: true })
    return response === 0
  })
  if (!service) {
    await log.close()
    return app.quit()
  }
  Service.logUnexpectedErrors(log)
  const { companion, ui } = service
  const main = MainWindow.create()
  const loginItem = LoginItem.create()
  const stopIpc = IpcTransport.serve(ui)
  const popups = ApprovalPopups.start(companion.queue, { overflow: main.show })
  const signIns = SignInPopups.start(companion.auth)
  const updater = await Updater.fromApp(log)
  const tray = Tray.start(companion, loginItem, { openApproval: popups.show, openSignIn: signIns.show, openMain: main.show, quit: () => app.quit() }, process.platform, updater)
  const stopNotifier = Notifier.start(companion, { onClick: main.show })

  // A bridge that found no companion opens the app in its tray: a window would come from nowhere.
  app.on('second-instance', (_event, argv) => argv.includes(DesktopApp.inTrayArgument) || main.show())
  app.on('activate', main.show)
  app.on('window-all-closed', () => {}) // stay in the tray: without this listener Electron quits
  if (!loginItem.launchedAtLogin() && !process.argv.includes(DesktopApp.inTrayArgument)) main.show()

  let stopped = false
  app.on('will-quit', (event) => {
    if (stopped) return
    event.preventDefault()
    tray.destroy()
    updater?.stop()
    popups.close()
    signIns.close()
    stopNotifier()
    stopIpc()
    void service
      .close()
      .then(() => log.close())
      .finally(() => {
        stopped = true
        app.quit()
      })
  })
}

function fail(error: unknown): void {
  dialog.showErrorBox('Allowance could not start', error instanceof Error ? error.message : String(error))
  app.exit(1)
}
