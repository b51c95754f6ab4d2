// The desktop app as a whole (Electron stubbed, everything else real): it serves the agents'
// bridges, a payment that needs the human pops up, the popup's answer pays, and Quit stops the
// companion.
import { afterAll, expect, test, vi } from 'vitest'
import * as UiChannels from '../../../main/app/UiChannels.js'
import { status } from '../../../main/wire/Client.js'
import type * as UiApi from '../../../main/uiapi/Contract.js'
import type { PaymentDecision } from '../../../main/wire/Messages.js'
import * as Home from '../../../main/shared/Home.js'
import { evmCharge } from '../../helpers/challenges.js'
import { companionClient } from '../../helpers/companion.js'
import { walletHomes } from '../../helpers/wallet.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))

const homes = walletHomes()
afterAll(() => homes.removeAll())

test('the app serves the bridges, pops up a payment that needs you, pays on your answer, and Quit stops the companion', async () => {
  const home = await homes.create()
  vi.stubEnv('ALLOWANCE_HOME', home)
  await import('../../../main/app/index.js')
  await vi.waitFor(() => expect(electron.Tray.last).toBeDefined())
  const socket = Home.paths(home).socket
  expect((await status(socket, 3000)).pid).toBe(process.pid)
  expect(electron.BrowserWindow.getAllWindows().map((window) => window.webContents.url)).toEqual(['allowance://app/index.html'])

  const bridge = companionClient(home)
  const asked = bridge.send<PaymentDecision>({
    type: 'payment.request',
    request: { host: { name: 'Cursor' }, upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search', challenges: [evmCharge()], call: 'call-1' },
  })
  await vi.waitFor(() => expect(electron.BrowserWindow.getAllWindows()).toHaveLength(2))
  const popup = electron.BrowserWindow.getAllWindows()[1]!
  expect(popup.webContents.url).toBe('allowance://app/index.html#approval=1')
  expect(electron.Tray.last!.image!.path).toMatch(/tray-waiting\.png$/)

  const request = electron.ipcMain.handlers.get(UiChannels.request)!
  const reply = (await request({ senderFrame: { url: popup.webContents.url } }, { method: 'POST', path: '/api/approvals/1/approve', body: { option: 'once' } })) as UiApi.Reply
  expect(reply.status).toBe(200)
  expect(await asked.result).toMatchObject({ kind: 'approved', paymentId: 1, decidedBy: 'human' })
  expect(popup.destroyed).toBe(true)
  expect(electron.Tray.last!.image!.path).toMatch(/tray\.png$/)

  const quitting = { preventDefault: vi.fn() }
  electron.app.emit('will-quit', quitting)
  expect(quitting.preventDefault).toHaveBeenCalled()
  await vi.waitFor(() => expect(electron.app.quits).toBe(1))
  expect(electron.Tray.last!.destroyed).toBe(true)
  await expect(status(socket, 3000)).rejects.toThrow()
  bridge.close()
  vi.unstubAllEnvs()
})
