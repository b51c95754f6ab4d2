import { app } from 'electron'
import type { AppUpdater, Logger as UpdaterLogger, UpdateDownloadedEvent } from 'electron-updater'
import type { Logger } from '../shared/Log.js'

/**
 * Updates of the packaged app, with electron-updater, from the feed electron-builder.yml's
 * `publish` names. An update downloads in the background; once it is ready the tray says so
 * ("Update ready — restart"), and it installs when the user restarts from there or quits. An
 * update is checked before it installs: its SHA-512 against the feed's, and on Windows its
 * Authenticode signature against `publisherName`, on macOS its code signature against this
 * app's. Off when the app is not packaged (development), and where ALLOWANCE_UPDATES=0 says so.
 */
export type Updater = {
  /** The version downloaded and waiting for a restart, if any. */
  ready(): string | undefined
  /** Quits and installs the update that is ready (the app's quit closes the companion first). */
  restart(): void
  /** Called when an update becomes ready. */
  onReady(listener: () => void): () => void
  stop(): void
}

/** What the app asks of electron-updater's AppUpdater. */
export type Source = Pick<AppUpdater, 'checkForUpdates' | 'quitAndInstall'> & {
  autoDownload: boolean
  autoInstallOnAppQuit: boolean
  allowDowngrade: boolean
  allowPrerelease: boolean
  logger: UpdaterLogger | null
  on(event: 'update-downloaded', listener: (event: UpdateDownloadedEvent) => void): unknown
  on(event: 'error', listener: (error: Error) => void): unknown
}

export type Options = {
  log: Logger
  /** Until the first check: the app first serves the bridges waiting for it. */
  firstCheckMs?: number
  /** Between checks: the app may stay in the tray for weeks. */
  intervalMs?: number
}

/** Why updates are off for this run, or undefined when they are on. */
export function off(packaged: boolean, env: NodeJS.ProcessEnv = process.env): string | undefined {
  if (!packaged) return 'the app is not packaged (development)'
  if (env.ALLOWANCE_UPDATES === '0') return 'ALLOWANCE_UPDATES=0'
  return undefined
}

/** The app's updater, or undefined when updates are off; electron-updater is loaded only when they are on. */
export async function fromApp(log: Logger, env: NodeJS.ProcessEnv = process.env): Promise<Updater | undefined> {
  const reason = off(app.isPackaged, env)
  if (reason) {
    log.info(`updates are off: ${reason}`)
    return undefined
  }
  try {
    const { autoUpdater } = (await import('electron-updater')).default
    return start(autoUpdater, { log })
  } catch (error) {
    // Updates are a convenience: the app serves the agents without them.
    log.error(`updates are off: electron-updater could not start: ${(error as Error).message}`)
    return undefined
  }
}

export function start(source: Source, options: Options): Updater {
  const { log, firstCheckMs = 30_000, intervalMs = 6 * 60 * 60 * 1000 } = options
  source.autoDownload = true
  source.autoInstallOnAppQuit = true
  source.allowDowngrade = false
  source.allowPrerelease = false
  source.logger = { info: (message) => log.info(`updater: ${message}`), warn: (message) => log.warn(`updater: ${message}`), error: (message) => log.error(`updater: ${message}`) }
  let version: string | undefined
  const listeners = new Set<() => void>()
  source.on('update-downloaded', (event) => {
    version = event.version
    log.info(`update ${event.version} downloaded; it installs on restart`)
    for (const listener of listeners) listener()
  })
  // An offline machine, a feed that is down or an update that fails its checks: logged, and tried again later.
  source.on('error', (error) => log.warn(`update check failed: ${error.message}`))
  const check = () => void source.checkForUpdates().catch((error: Error) => log.warn(`update check failed: ${error.message}`))
  const first = setTimeout(check, firstCheckMs)
  const every = setInterval(check, intervalMs)
  first.unref?.()
  every.unref?.()
  return {
    ready: () => version,
    restart() {
      if (version) source.quitAndInstall(false, true)
    },
    onReady(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    stop() {
      clearTimeout(first)
      clearInterval(every)
      listeners.clear()
    },
  }
}
