// Sign-ins in the desktop app: a popup per sign-in waiting for the human, closed when it ends;
// the tray lists them, and its item opens the popup.
import { EventEmitter } from 'node:events'
import { beforeEach, expect, test, vi } from 'vitest'
import type { Broker } from '../../../main/auth/Broker.js'
import * as SignInPopups from '../../../main/app/SignInPopups.js'
import * as TrayMenu from '../../../main/app/TrayMenu.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))

beforeEach(() => electron.reset())

/** The broker's events and its pending list, as the app sees them. */
function fakeAuth() {
  const events = new EventEmitter()
  const pending = new Map<number, Broker.Request>()
  return {
    pending: () => [...pending.values()],
    on: (event: string, listener: (...args: any[]) => void) => void events.on(event, listener),
    off: (event: string, listener: (...args: any[]) => void) => void events.off(event, listener),
    add(id: number) {
      const request = { id, server: 'https://t.example/mcp', label: 'Tools', issuer: 'https://a.example', authorizationHost: 'a.example', account: null, reason: 'first', scopes: [], hosts: ['Claude Code'], url: 'https://a.example/authorize?x', createdAt: 0, expiresAt: 1 } as Broker.Request
      pending.set(id, request)
      events.emit('added', request)
      return request
    },
    resolve(request: Broker.Request) {
      pending.delete(request.id)
      events.emit('resolved', request, { ok: true, message: '' })
    },
  }
}

const popupOf = (id: number) => electron.BrowserWindow.windows.find((window) => window.webContents.url.endsWith(`#signin=${id}`))

test('a popup opens on top when a sign-in starts, and closes when it ends', () => {
  const auth = fakeAuth()
  const early = auth.add(1)
  const popups = SignInPopups.start(auth as never)
  expect(popupOf(1)?.destroyed).toBe(false) // waiting before the app started
  const request = auth.add(2)
  expect(popupOf(2)!.options).toMatchObject({ alwaysOnTop: true, width: SignInPopups.size.width })
  auth.resolve(request)
  expect(popupOf(2)!.destroyed).toBe(true)
  popups.close()
  expect(popupOf(1)!.destroyed).toBe(true)
  void early
})

test('the tray lists each server waiting for a sign-in first, and says so in its tooltip', () => {
  const state: TrayMenu.State = { waiting: [], waitingCount: 0, spentToday: [], paused: false, openAtLogin: undefined, signIns: [{ id: 7, label: 'Tools', hosts: ['Claude Code'] }] }
  const items = TrayMenu.model(state)
  expect(items[0]).toEqual({ type: 'normal', label: 'Sign in to Tools (Claude Code)…', action: { kind: 'signin', id: 7 } })
  expect(TrayMenu.tooltip(state)).toBe('Allowance: sign in to Tools')
})
