// The UI API over IPC: only the app's own page may call it, a malformed request gets a clear
// refusal and changes nothing, and live events reach the app's windows.
import { beforeEach, expect, test, vi } from 'vitest'
import * as IpcTransport from '../../../main/app/IpcTransport.js'
import * as UiChannels from '../../../main/app/UiChannels.js'
import * as Windows from '../../../main/app/Windows.js'
import * as UiApi from '../../../main/companion/UiApi.js'
import type * as Contract from '../../../main/uiapi/Contract.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Log from '../../../main/shared/Log.js'
import { openCompanion, waiting } from './companion.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))

beforeEach(() => electron.reset())

const page = 'allowance://app/index.html'

function served() {
  const companion = openCompanion()
  const ui = UiApi.create(companion, Log.create({ name: 'test', stderr: false }))
  const stop = IpcTransport.serve(ui)
  const handler = electron.ipcMain.handlers.get(UiChannels.request)!
  /** Sends `request` as the frame at `frameUrl` would (`null`: a frame that is gone). */
  const invoke = async (request: unknown, frameUrl: string | null = page) => {
    const reply = (await handler({ senderFrame: frameUrl === null ? null : { url: frameUrl } }, request)) as Contract.Reply
    return { status: reply.status, body: JSON.parse(reply.json) }
  }
  return { companion, ui, stop, invoke }
}

test("the app's own page (main window or popup) lists and answers the payments waiting", async () => {
  const { companion, invoke } = served()
  const { paymentId, decision } = waiting(companion)
  const listed = await invoke({ method: 'GET', path: '/api/approvals' }, `${page}#approval=${paymentId}`)
  expect(listed.status).toBe(200)
  expect(listed.body).toMatchObject([{ paymentId, host: 'Cursor', target: 'search', options: [{ amount: '0.05 pathUSD' }] }])

  expect((await invoke({ method: 'POST', path: `/api/approvals/${paymentId}/decline` })).status).toBe(200)
  await expect(decision).resolves.toMatchObject({ kind: 'declined', reason: 'declined_by_user' })
})

test('a request from any other frame is refused and changes nothing', async () => {
  const { companion, invoke } = served()
  const { paymentId } = waiting(companion)
  for (const url of ['https://evil.example/', 'file:///tmp/index.html', 'allowance://app/other.html', '', null]) {
    const reply = await invoke({ method: 'POST', path: '/api/approvals/decline-all' }, url)
    expect(reply, String(url)).toEqual({ status: 403, body: { error: "Only Allowance's own windows may use its UI API." } })
  }
  expect(companion.queue.list().map((entry) => entry.paymentId)).toEqual([paymentId])
  expect(Payments.get(companion.db, paymentId)!.state).toBe('requested')
})

test('a malformed request gets a clear error and changes nothing', async () => {
  const { companion, invoke } = served()
  const { paymentId } = waiting(companion)
  const cases: [unknown, RegExp][] = [
    [undefined, /Invalid UI API request: request: /],
    ['POST /api/approvals/decline-all', /Invalid UI API request/],
    [{ method: 'DELETE', path: '/api/approvals' }, /method: /],
    [{ method: 'POST', path: 'file:///etc/passwd' }, /path: the path starts with \/api\//],
    [{ method: 'POST', path: `/api/approvals/${paymentId}/approve`, body: { option: 'once' }, extra: true }, /Unrecognized key/],
    [{ method: 'POST', path: `/api/approvals/${paymentId}/approve`, body: { option: 'twice' } }, /Invalid approval/],
    [{ method: 'POST', path: `/api/approvals/${paymentId}/approve`, body: { option: { rule: { perCallLimit: '-1' } } } }, /Invalid approval/],
  ]
  for (const [request, error] of cases) {
    const reply = await invoke(request)
    expect(reply.status, JSON.stringify(request)).toBe(400)
    expect(reply.body.error).toMatch(error)
  }
  expect(companion.queue.list().map((entry) => entry.paymentId)).toEqual([paymentId])
  expect(Payments.get(companion.db, paymentId)!.state).toBe('requested')
})

test("live events reach every window showing the app's page, and nothing else", async () => {
  const { companion, stop } = served()
  const main = Windows.create({ width: 1000, height: 700 })
  const popup = Windows.create({ width: 600, height: 700, hash: 'approval=1' })
  const foreign = Windows.create({ width: 600, height: 700 })
  await foreign.loadURL('https://evil.example/')
  const { paymentId } = waiting(companion)
  const names = (window: unknown) => (window as electron.BrowserWindow).webContents.sent.map(({ channel, payload }) => `${channel} ${(payload as Contract.Event).name}`)
  expect(names(main)).toEqual([`${UiChannels.event} approval.added`])
  expect(names(popup)).toEqual([`${UiChannels.event} approval.added`])
  expect(names(foreign)).toEqual([])
  const [added] = (main as unknown as electron.BrowserWindow).webContents.sent
  expect(JSON.parse((added!.payload as Contract.Event).data)).toMatchObject({ paymentId })

  stop()
  expect(electron.ipcMain.handlers.has(UiChannels.request)).toBe(false)
})
