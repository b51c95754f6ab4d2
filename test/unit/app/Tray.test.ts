// The tray: what its menu shows (waiting payments, today's spend, the kill switch, login item),
// what its items do, and the icon that changes while payments wait.
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import * as LoginItem from '../../../main/app/LoginItem.js'
import * as Tray from '../../../main/app/Tray.js'
import * as TrayMenu from '../../../main/app/TrayMenu.js'
import * as TrayViews from '../../../main/companion/TrayViews.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Settings from '../../../main/ledger/Settings.js'
import { decide, openCompanion, settle, upstream, waiting } from './companion.js'
import * as electron from './electron.js'
import * as challenges from '../payments/challenges.js'

vi.mock('electron', () => import('./electron.js'))

let autostart: string | undefined
beforeEach(() => electron.reset())
afterEach(() => {
  if (autostart) rmSync(autostart, { recursive: true, force: true })
  autostart = undefined
})

const labels = (items: readonly TrayMenu.Item[]) => items.map((item) => (item.type === 'separator' ? '---' : item.label))
const menu = () => electron.Tray.last!.menu!.template as { label?: string; type?: string; checked?: boolean; enabled?: boolean; click?: () => void }[]
const click = (label: string) => {
  const item = menu().find((candidate) => candidate.label === label)
  if (!item?.click) throw new Error(`no clickable "${label}" in ${JSON.stringify(menu().map((candidate) => candidate.label))}`)
  item.click()
}
const actions = () => ({ openApproval: vi.fn(), openMain: vi.fn(), quit: vi.fn() })
const loginItem = (enabled: boolean | undefined = false): LoginItem.LoginItem => {
  let on = enabled
  return { enabled: () => on, set: (value) => void (on = value), launchedAtLogin: () => false }
}

test("the menu lists the payments waiting, with amount, tool and agent, and today's spend from the ledger", () => {
  const companion = openCompanion()
  Rules.add(companion.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 1_000_000n, now: 0 })
  settle(companion, decide(companion, { amount: '250000' }).paymentId!) // a rule paid $0.25
  decide(companion, { amount: '100000' }) // $0.10 approved, not settled yet: it counts too
  Rules.remove(companion.db, 1, 0)
  const first = waiting(companion, { amount: '50000', target: 'search' })
  waiting(companion, { amount: '1500000', target: 'premium_report' })

  const { stale: _, ...glance } = TrayViews.glance(companion, new Date())
  const state: TrayMenu.State = { ...glance, openAtLogin: false }
  expect(labels(TrayMenu.model(state))).toEqual([
    '2 payments wait for you',
    '0.05 pathUSD for search (Cursor)…',
    '1.5 pathUSD for premium_report (Cursor)…',
    '---',
    'Spent today: $0.35',
    'Pause payments',
    '---',
    'Open Allowance',
    'Start at login',
    '---',
    'Quit Allowance',
  ])
  expect(TrayMenu.model(state)[1]).toMatchObject({ action: { kind: 'approval', paymentId: first.paymentId } })
  expect(TrayMenu.tooltip(state)).toBe('Allowance: 2 payments wait for you')
})

test('with nothing waiting or spent, the menu says so; a long queue lists its start and opens the main window for the rest', () => {
  const quiet: TrayMenu.State = { waiting: [], waitingCount: 0, spentToday: [], paused: false, openAtLogin: undefined }
  expect(labels(TrayMenu.model(quiet))).toEqual(['No payments wait for you', '---', 'Spent today: nothing', 'Pause payments', '---', 'Open Allowance', '---', 'Quit Allowance'])
  expect(TrayMenu.tooltip(quiet)).toBe('Allowance')

  const waitingList = Array.from({ length: TrayViews.maxListed }, (_, index) => ({ paymentId: index + 1, amount: '$0.01', target: 'x'.repeat(100), host: 'Claude Code' }))
  const busy = TrayMenu.model({ ...quiet, waiting: waitingList, waitingCount: 12 })
  expect(labels(busy)[1]).toBe(`$0.01 for ${'x'.repeat(39)}… (Claude Code)…`)
  expect(busy[TrayViews.maxListed + 1]).toEqual({ type: 'normal', label: '4 more…', action: { kind: 'open' } })
  // Information lines are greyed out, not clickable.
  expect(TrayMenu.template(busy, () => {})[0]).toMatchObject({ label: '12 payments wait for you', enabled: false })
})

test('Pause payments sets the kill switch in the ledger; Resume clears it', () => {
  const companion = openCompanion()
  Tray.start(companion, loginItem(), actions(), 'linux')
  click('Pause payments')
  expect(Settings.get(companion.db).paused).toBe(true)
  expect(menu().map((item) => item.label)).toContain('Paused: every payment is declined')
  expect(electron.Tray.last!.tooltip).toBe('Allowance: payments paused')
  expect(decide(companion)).toMatchObject({ kind: 'declined', reason: 'paused' })

  click('Resume payments')
  expect(Settings.get(companion.db).paused).toBe(false)
  expect(menu().map((item) => item.label)).toContain('Pause payments')
})

test('a waiting payment changes the icon (and on macOS puts a count beside it); its menu item opens its popup', async () => {
  const companion = openCompanion()
  const perform = actions()
  Tray.start(companion, loginItem(), perform, 'darwin')
  const tray = electron.Tray.last!
  expect(tray.image!.path).toMatch(/trayTemplate\.png$/)
  expect(tray.title).toBe('')

  const { paymentId, decision } = waiting(companion)
  expect(tray.image!.path).toMatch(/trayWaitingTemplate\.png$/)
  expect(tray.title).toBe('1')
  expect(electron.app.badgeCount).toBe(1)
  click('0.05 pathUSD for search (Cursor)…')
  expect(perform.openApproval).toHaveBeenCalledWith(paymentId)

  companion.queue.decline(paymentId)
  await decision
  expect(tray.image!.path).toMatch(/trayTemplate\.png$/)
  expect(tray.title).toBe('')
  expect(electron.app.badgeCount).toBe(0)

  click('Open Allowance')
  click('Quit Allowance')
  expect(perform.openMain).toHaveBeenCalledOnce()
  expect(perform.quit).toHaveBeenCalledOnce()
})

test('colour icons on Windows and Linux, template images on macOS, all present beside the tray module', () => {
  expect(Tray.iconFile('win32', false)).toBe('tray.png')
  expect(Tray.iconFile('linux', true)).toBe('tray-waiting.png')
  expect(Tray.iconFile('darwin', true)).toBe('trayWaitingTemplate.png')
  for (const platform of ['darwin', 'linux'] as const) {
    for (const waitingNow of [false, true]) {
      const png = readFileSync(join(import.meta.dirname, '../../../main/app/assets', Tray.iconFile(platform, waitingNow)))
      expect(png.subarray(1, 4).toString()).toBe('PNG')
    }
  }
})

test('Start at login on macOS and Windows asks Electron for a login item that starts in the tray', () => {
  const companion = openCompanion()
  Tray.start(companion, LoginItem.create('darwin'), actions(), 'darwin')
  expect(menu().find((item) => item.label === 'Start at login')).toMatchObject({ type: 'checkbox', checked: false })
  click('Start at login')
  expect(electron.app.loginItem).toEqual({ openAtLogin: true, args: [LoginItem.atLoginArgument] })
  expect(menu().find((item) => item.label === 'Start at login')).toMatchObject({ checked: true })
  click('Start at login')
  expect(electron.app.loginItem.openAtLogin).toBe(false)
})

test('Start at login on Linux writes an XDG autostart entry, and unchecking removes it', () => {
  autostart = mkdtempSync(join(tmpdir(), 'allowance-xdg-'))
  const companion = openCompanion()
  Tray.start(companion, LoginItem.create('linux', { XDG_CONFIG_HOME: autostart }), actions(), 'linux')
  click('Start at login')
  const entry = readFileSync(join(autostart, 'autostart', 'allowance.desktop'), 'utf8')
  expect(entry).toContain('[Desktop Entry]')
  expect(entry).toContain(`Exec="${process.execPath}" "/opt/allowance" "${LoginItem.atLoginArgument}"`)
  expect(menu().find((item) => item.label === 'Start at login')).toMatchObject({ checked: true })
  click('Start at login')
  expect(LoginItem.create('linux', { XDG_CONFIG_HOME: autostart }).enabled()).toBe(false)
})

test('a desktop entry quotes what the specification reserves', () => {
  expect(LoginItem.desktopEntry(['/opt/My "App"/run$1', '50%'])).toContain('Exec="/opt/My \\\\"App\\\\"/run\\\\$1" "50%%"')
})
