// The desktop app and a headless companion already serving the same data directory (a bridge
// starts one when it finds none): the user chooses, and taking over keeps the agents connected.
import { afterAll, afterEach, expect, test } from 'vitest'
import * as Instance from '../../../main/app/Instance.js'
import { status } from '../../../main/wire/Client.js'
import type { Service } from '../../../main/companion/Service.js'
import type { PaymentDecision } from '../../../main/wire/Messages.js'
import * as Home from '../../../main/shared/Home.js'
import * as Log from '../../../main/shared/Log.js'
import { evmCharge } from '../../helpers/challenges.js'
import { companionClient, startDaemon } from '../../helpers/companion.js'
import { exited, stopAll } from '../../helpers/processes.js'
import { walletHomes } from '../../helpers/wallet.js'

const homes = walletHomes()
const services: Service[] = []
afterEach(async () => {
  await Promise.all(services.splice(0).map((service) => service.close()))
  await stopAll()
})
afterAll(() => homes.removeAll())

const log = Log.create({ name: 'test', stderr: false })

test('with no companion running, the app serves the data directory itself without asking', async () => {
  const home = await homes.create()
  const service = await Instance.acquire(home, log, async () => {
    throw new Error('nothing to ask')
  })
  services.push(service!)
  expect((await status(Home.paths(home).socket, 3000)).pid).toBe(process.pid)
})

test('the user who keeps the headless companion quits the app, and the companion carries on', async () => {
  const home = await homes.create()
  const daemon = await startDaemon(home)
  const prompts: Instance.Prompt[] = []
  const service = await Instance.acquire(home, log, async (prompt) => {
    prompts.push(prompt)
    return false
  })
  expect(service).toBeUndefined()
  expect(prompts).toHaveLength(1)
  expect(prompts[0]!.message).toBe('Allowance is already running without its window')
  expect(prompts[0]!.detail).toContain(`process ${daemon.process.pid}`)
  expect(prompts[0]!.buttons).toEqual(['Use the desktop app', 'Quit'])
  expect((await status(Home.paths(home).socket, 3000)).pid).toBe(daemon.process.pid)
})

test('taking over stops the headless companion, declines what waited there, and the agents carry on with the app', async () => {
  const home = await homes.create()
  const daemon = await startDaemon(home)
  const bridge = companionClient(home)
  const asked = bridge.send<PaymentDecision>({
    type: 'payment.request',
    request: { host: { name: 'Cursor' }, upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search', challenges: [evmCharge()], call: 'call-1' },
  })
  await expect.poll(async () => (await status(Home.paths(home).socket, 3000)).pendingApprovals).toBe(1)

  const prompts: Instance.Prompt[] = []
  const service = await Instance.acquire(home, log, async (prompt) => {
    prompts.push(prompt)
    return true
  })
  services.push(service!)
  expect(prompts[0]!.detail).toContain('The payment waiting for approval there will be declined; the agents can ask again.')
  expect(await asked.result).toMatchObject({ kind: 'declined', reason: 'cancelled' })
  expect(await exited(daemon.process)).toBe(0)

  // The same bridge connection finds the app's companion on its next request.
  expect(await bridge.request({ type: 'status' })).toMatchObject({ pid: process.pid, pendingApprovals: 0 })
  bridge.close()
})

test('the prompt names how many payments would be declined, and none when nothing waits', () => {
  const running = { pid: 4242, version: '0.1.0', startedAt: new Date().toISOString(), bridges: 2, pendingApprovals: 3, paused: false, wallet: null, ui: null }
  expect(Instance.takeOverPrompt(running, '/home/me/.config/allowance').detail).toContain('The 3 payments waiting for approval there will be declined')
  expect(Instance.takeOverPrompt({ ...running, pendingApprovals: 0 }, '/home/me/.config/allowance').detail).not.toContain('declined')
})
