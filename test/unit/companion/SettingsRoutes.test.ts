// The settings the UI changes, called as the page calls them (through UiApi, without a transport):
// how long a payment waits for a human, in words; a refusal changes nothing; every change made
// through the UI is announced so the other windows read it again.
import { afterAll, beforeAll, expect, it } from 'vitest'
import { Companion } from '../../../main/companion/Companion.js'
import * as UiApi from '../../../main/companion/UiApi.js'
import * as Settings from '../../../main/ledger/Settings.js'
import type { Logger } from '../../../main/shared/Log.js'
import { temporaryHome } from '../../helpers/processes.js'

const home = temporaryHome()
const log = { debug() {}, info() {}, warn() {}, error() {}, close: async () => {} } as Logger
let companion: Companion
let api: UiApi.UiApi
const events: string[] = []

async function call(method: 'GET' | 'POST', path: string, body?: unknown): Promise<{ status: number; body: any }> {
  const reply = await api.handle({ method, path, body })
  return { status: reply.status, body: JSON.parse(reply.json) }
}

beforeAll(() => {
  companion = Companion.open(home.home, log)
  api = UiApi.create(companion, log)
  api.subscribe((event) => events.push(event.name))
})

afterAll(() => {
  api.close()
  companion.close()
  home.remove()
})

it('shows the wait in force among the offered ones, in words', async () => {
  const { body } = await call('GET', '/api/settings')
  expect(body.approvalTimeout).toMatchObject({ ms: 60_000, text: '1 minute' })
  expect(body.approvalTimeout.choices.map((choice: { text: string }) => choice.text)).toEqual(['30 seconds', '1 minute', '2 minutes', '5 minutes', '10 minutes', '30 minutes', '1 hour'])
  // A wait the CLI set that the UI does not offer is still shown as it is.
  Settings.set(companion.db, { approvalTimeoutMs: 45_000 })
  const set = (await call('GET', '/api/settings')).body.approvalTimeout
  expect(set.text).toBe('45 seconds')
  expect(set.choices.map((choice: { ms: number }) => choice.ms).slice(0, 3)).toEqual([30_000, 45_000, 60_000])
})

it('changes the wait of the next payments and announces it', async () => {
  events.length = 0
  const changed = await call('POST', '/api/settings', { approvalTimeoutMs: 300_000 })
  expect(changed).toMatchObject({ status: 200, body: { message: 'Payments now wait 5 minutes for you; then they are declined.', approvalTimeout: { ms: 300_000 } } })
  expect(Settings.get(companion.db).approvalTimeoutMs).toBe(300_000)
  expect(events).toEqual(['settings.changed'])
})

it('refuses a wait out of range or not in whole seconds, changes nothing and announces nothing', async () => {
  events.length = 0
  expect(await call('POST', '/api/settings', { approvalTimeoutMs: 500 })).toEqual({ status: 400, body: { error: 'Invalid setting: approvalTimeoutMs: a payment waits at least 1 second.' } })
  expect(await call('POST', '/api/settings', { approvalTimeoutMs: 7_200_000 })).toEqual({ status: 400, body: { error: 'Invalid setting: approvalTimeoutMs: a payment waits at most 1 hour.' } })
  expect(await call('POST', '/api/settings', { approvalTimeoutMs: 1_500 })).toEqual({ status: 400, body: { error: 'Invalid setting: approvalTimeoutMs: the wait is whole seconds.' } })
  expect((await call('POST', '/api/settings', { paused: true })).status).toBe(400)
  expect(Settings.get(companion.db)).toMatchObject({ approvalTimeoutMs: 300_000, paused: false })
  expect(events).toEqual([])
})

it('announces the pause too', async () => {
  events.length = 0
  await call('POST', '/api/pause', { paused: true })
  await call('POST', '/api/pause', { paused: false })
  expect(events).toEqual(['settings.changed', 'settings.changed'])
})
