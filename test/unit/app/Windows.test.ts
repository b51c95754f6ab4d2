// The window policy: every window of the app is created locked down, cannot navigate, open
// windows or get permissions, and its page comes with the strict CSP.
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import * as RendererFiles from '../../../main/companion/RendererFiles.js'
import * as MainWindow from '../../../main/app/MainWindow.js'
import * as RendererProtocol from '../../../main/app/RendererProtocol.js'
import * as Windows from '../../../main/app/Windows.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))

beforeEach(() => electron.reset())

const locked = { contextIsolation: true, sandbox: true, nodeIntegration: false, webSecurity: true, webviewTag: false }

test('every window is created sandboxed, isolated, without Node, with the preload, and loads only the UI page', () => {
  Windows.enforce(electron.session.defaultSession as never)
  MainWindow.create().show()
  Windows.create({ width: 400, height: 600, hash: 'approval=7' })
  expect(electron.BrowserWindow.windows).toHaveLength(2)
  for (const window of electron.BrowserWindow.windows) {
    expect(window.options.webPreferences).toMatchObject(locked)
    expect(window.options.webPreferences.preload).toMatch(/preload[/\\]index\.cjs$/)
    expect(RendererProtocol.isPage(window.webContents.getURL())).toBe(true)
  }
  expect(electron.BrowserWindow.windows[1]!.webContents.getURL()).toBe('allowance://app/index.html#approval=7')
})

test('a page cannot navigate, open a window or attach a webview, whoever created its web contents', () => {
  Windows.enforce(electron.session.defaultSession as never)
  const window = Windows.create({ width: 400, height: 600 })
  const contents = window.webContents as unknown as electron.WebContents
  for (const name of ['will-frame-navigate', 'will-attach-webview']) {
    const event = { preventDefault: vi.fn(), url: 'https://evil.example/' }
    contents.emit(name, event)
    expect(event.preventDefault, name).toHaveBeenCalled()
  }
  expect(contents.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })

  // Web contents the app did not make itself get the same guards.
  const other = new electron.WebContents()
  electron.app.emit('web-contents-created', {}, other)
  const event = { preventDefault: vi.fn() }
  other.emit('will-frame-navigate', event)
  expect(event.preventDefault).toHaveBeenCalled()
  expect(other.windowOpenHandler!({ url: 'https://evil.example/' })).toEqual({ action: 'deny' })
})

test('every permission is denied (camera, notifications, clipboard, devices…)', () => {
  const session = electron.session.defaultSession
  Windows.enforce(session as never)
  for (const permission of ['media', 'notifications', 'clipboard-read', 'geolocation', 'openExternal']) {
    const callback = vi.fn()
    session.permissionRequest!({}, permission, callback)
    expect(callback).toHaveBeenCalledWith(false)
    expect(session.permissionCheck!({}, permission)).toBe(false)
  }
  expect(session.devicePermission!({ deviceType: 'usb' })).toBe(false)
})

let root: string | undefined
afterEach(() => {
  if (root) rmSync(root, { recursive: true, force: true })
  root = undefined
})

test("the UI is served on the app's own scheme with the headless UI's security headers; nothing else is", async () => {
  root = mkdtempSync(join(tmpdir(), 'allowance-renderer-'))
  mkdirSync(join(root, 'assets'))
  writeFileSync(join(root, 'index.html'), '<!doctype html><title>Allowance</title>')
  writeFileSync(join(root, 'assets', 'index.js'), 'console.log(1)')
  writeFileSync(join(root, '..', 'outside.js'), 'secret')

  const page = await RendererProtocol.respond(root, 'allowance://app/index.html')
  expect(page.status).toBe(200)
  expect(page.headers.get('content-type')).toBe('text/html; charset=utf-8')
  expect(page.headers.get('content-security-policy')).toBe(RendererFiles.contentSecurityPolicy)
  expect(page.headers.get('content-security-policy')).toContain("script-src 'self'")
  expect(await page.text()).toContain('<title>Allowance</title>')
  expect((await RendererProtocol.respond(root, 'allowance://app/assets/index.js')).headers.get('x-content-type-options')).toBe('nosniff')

  for (const url of ['allowance://app/../outside.js', 'allowance://app/%2e%2e/outside.js', 'allowance://other/index.html', 'allowance://app/assets/missing.js']) {
    const response = await RendererProtocol.respond(root, url)
    expect(response.status, url).toBe(404)
    expect(await response.text()).not.toContain('secret')
  }
  rmSync(join(root, '..', 'outside.js'))

  Windows.enforce(electron.session.defaultSession as never)
  expect([...electron.session.defaultSession.schemes.keys()]).toEqual([RendererProtocol.scheme])
})

test('only the UI page counts as ours: not a file, a web page or another path', () => {
  expect(RendererProtocol.isPage('allowance://app/index.html')).toBe(true)
  expect(RendererProtocol.isPage('allowance://app/index.html#approval=3')).toBe(true)
  for (const url of [undefined, '', 'file:///tmp/index.html', 'https://app/index.html', 'allowance://evil/index.html', 'allowance://app/other.html', 'allowance://app/index.html?x=1', 'not a url']) {
    expect(RendererProtocol.isPage(url), String(url)).toBe(false)
  }
})

test('stacked popups step down and right, and stay on the screen', () => {
  const area = { x: 0, y: 25, width: 1440, height: 875 }
  const size = { width: 628, height: 720 }
  const first = Windows.cascade(area, size, 0)
  const second = Windows.cascade(area, size, 1)
  expect(second.x - first.x).toBe(28)
  expect(second.y - first.y).toBe(28)
  const far = Windows.cascade(area, size, 50)
  expect(far.x + size.width).toBeLessThanOrEqual(area.x + area.width)
  expect(far.y + size.height).toBeLessThanOrEqual(area.y + area.height)
})
