// Updates of the packaged app: electron-updater (played by a stand-in that emits what it emits)
// checks in the background, and once an update is downloaded the tray offers "Update ready —
// restart", which installs it. Off in development. And the app a bridge opens stays in its tray.
import { EventEmitter } from 'node:events'
import { afterAll, afterEach, expect, test, vi } from 'vitest'
import * as Updater from '../../../main/app/Updater.js'
import * as DesktopApp from '../../../main/shared/DesktopApp.js'
import { walletHomes } from '../../helpers/wallet.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))
const fake = vi.hoisted(() => ({ updater: undefined as any }))
vi.mock('electron-updater', () => ({ default: { get autoUpdater() { return fake.updater } } }))

/** electron-updater's AppUpdater as the app uses it. */
class FakeUpdater extends EventEmitter {
  autoDownload = false
  autoInstallOnAppQuit = false
  allowDowngrade = true
  allowPrerelease = true
  logger: unknown = console
  checks = 0
  installs: unknown[][] = []
  checkForUpdates() {
    this.checks++
    return Promise.resolve(null)
  }
  quitAndInstall(...args: unknown[]) {
    this.installs.push(args)
  }
}

const log = () => ({ debug: vi.fn(), info: vi.fn(), warn: vi.fn(), error: vi.fn(), close: async () => {} })
const homes = walletHomes()
afterAll(() => homes.removeAll())
afterEach(() => {
  vi.useRealTimers()
  vi.unstubAllEnvs()
})

test('off in development and where ALLOWANCE_UPDATES=0; on in a packaged app', () => {
  expect(Updater.off(false, {})).toMatch(/not packaged/)
  expect(Updater.off(true, { ALLOWANCE_UPDATES: '0' })).toBe('ALLOWANCE_UPDATES=0')
  expect(Updater.off(true, {})).toBeUndefined()
})

test('in development the app does not even load electron-updater', async () => {
  fake.updater = undefined
  const logger = log()
  expect(await Updater.fromApp(logger as never)).toBeUndefined()
  expect(logger.info).toHaveBeenCalledWith('updates are off: the app is not packaged (development)')
})

test('checks in the background, downloads on its own, never downgrades or takes a prerelease; a failed check is logged and tried again', async () => {
  vi.useFakeTimers()
  const source = new FakeUpdater()
  const logger = log()
  const updater = Updater.start(source as never, { log: logger as never, firstCheckMs: 1000, intervalMs: 60_000 })
  expect(source).toMatchObject({ autoDownload: true, autoInstallOnAppQuit: true, allowDowngrade: false, allowPrerelease: false })
  expect(source.checks).toBe(0)
  await vi.advanceTimersByTimeAsync(1000)
  expect(source.checks).toBe(1)
  source.emit('error', new Error('sha512 checksum mismatch'))
  expect(logger.warn).toHaveBeenCalledWith('update check failed: sha512 checksum mismatch')
  await vi.advanceTimersByTimeAsync(60_000)
  expect(source.checks).toBe(2)
  updater.restart()
  expect(source.installs).toEqual([]) // nothing is ready
  updater.stop()
  await vi.advanceTimersByTimeAsync(120_000)
  expect(source.checks).toBe(2)
})

test('the packaged app: a bridge opens it in its tray without a window; an update downloaded shows "Update ready — restart" in the tray, which installs it', async () => {
  fake.updater = new FakeUpdater()
  electron.app.isPackaged = true
  process.argv.push(DesktopApp.inTrayArgument)
  const home = await homes.create()
  vi.stubEnv('ALLOWANCE_HOME', home)
  try {
    await import('../../../main/app/index.js')
    await vi.waitFor(() => expect(electron.Tray.last).toBeDefined())
    const labels = () => electron.Tray.last!.menu!.template.map((item: { label?: string }) => item.label)
    expect(electron.BrowserWindow.getAllWindows()).toEqual([])
    electron.app.emit('second-instance', {}, ['/opt/Allowance/allowance-desktop', DesktopApp.inTrayArgument])
    expect(electron.BrowserWindow.getAllWindows()).toEqual([])
    electron.app.emit('second-instance', {}, ['/opt/Allowance/allowance-desktop'])
    expect(electron.BrowserWindow.getAllWindows()).toHaveLength(1)

    expect(labels().filter((label: string | undefined) => label?.startsWith('Update'))).toEqual([])
    fake.updater.emit('update-downloaded', { version: '0.2.0', files: [], path: 'Allowance-0.2.0.zip', sha512: 'x', releaseDate: '2026-12-01', downloadedFile: '/tmp/u' })
    expect(labels()).toContain('Update ready — restart (0.2.0)')
    electron.Tray.last!.menu!.template.find((item: { label?: string }) => item.label === 'Update ready — restart (0.2.0)').click()
    expect(fake.updater.installs).toEqual([[false, true]])

    electron.app.emit('will-quit', { preventDefault: vi.fn() })
    await vi.waitFor(() => expect(electron.app.quits).toBe(1))
  } finally {
    process.argv.splice(process.argv.indexOf(DesktopApp.inTrayArgument), 1)
    electron.app.isPackaged = false
  }
})
