// The desktop app on a Linux desktop with no Secret Service (no D-Bus session here): the Wallet
// screen, through the app's IPC, asks for a passphrase, seals the key in a file with it, and the
// app unlocks and locks it; the key never goes to the kernel keyring, which forgets it at logout.
import { afterAll, expect, test, vi } from 'vitest'
import * as UiChannels from '../../../main/app/UiChannels.js'
import type * as UiApi from '../../../main/uiapi/Contract.js'
import * as SecretStore from '../../../main/wallet/SecretStore.js'
import * as Wallet from '../../../main/wallet/Wallet.js'
import { temporaryHome } from '../../helpers/processes.js'
import * as electron from './electron.js'

vi.mock('electron', () => import('./electron.js'))

const directory = temporaryHome()
afterAll(() => directory.remove())

test('without a Secret Service the app asks for a passphrase, keeps the key in a sealed file, and unlocks and locks it', async () => {
  const { home } = directory
  vi.stubEnv('ALLOWANCE_HOME', home)
  vi.stubEnv('DBUS_SESSION_BUS_ADDRESS', undefined)
  vi.stubEnv('ALLOWANCE_WALLET_PASSPHRASE', undefined)
  // The keychain is the Secret Service alone: its failure says so, not the kernel keyring's.
  const refused = await SecretStore.keychain(home).write('x').catch((error: unknown) => error)
  expect(refused).toBeInstanceOf(SecretStore.KeychainUnavailableError)
  expect(String(refused)).toMatch(/D-?Bus|Secret Service/i)

  await import('../../../main/app/index.js')
  await vi.waitFor(() => expect(electron.Tray.last).toBeDefined())
  const handler = electron.ipcMain.handlers.get(UiChannels.request)!
  const page = { senderFrame: { url: 'allowance://app/index.html' } }
  const call = async (method: string, path: string, body?: unknown) => {
    const reply = (await handler(page, { method, path, body })) as UiApi.Reply
    return { status: reply.status, body: JSON.parse(reply.json) }
  }

  expect(await call('POST', '/api/wallet/create', {})).toMatchObject({ status: 409, body: { needsPassphrase: true } })
  const created = await call('POST', '/api/wallet/create', { passphrase: 'a long typed passphrase' })
  expect(created.status).toBe(200)
  expect(Wallet.info(home)?.store).toBe('file')
  expect(created.body).toMatchObject({ store: 'file', locked: false })
  expect((await call('POST', '/api/wallet/lock')).body).toMatchObject({ locked: true })
  expect((await call('POST', '/api/wallet/unlock', { passphrase: 'not the passphrase' })).status).toBe(403)
  expect((await call('POST', '/api/wallet/unlock', { passphrase: 'a long typed passphrase' })).body).toMatchObject({ locked: false })

  electron.app.emit('will-quit', { preventDefault: vi.fn() })
  await vi.waitFor(() => expect(electron.app.quits).toBe(1))
  vi.unstubAllEnvs()
})
