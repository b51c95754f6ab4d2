// `allowance demo` as a newcomer runs it: the printed host entry works, a paid call goes through on
// the local chain, and Ctrl-C leaves nothing running.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { existsSync } from 'node:fs'
import { afterAll, expect, it } from 'vitest'
import * as Home from '../../main/shared/Home.js'
import { bridgeBin } from '../helpers/bridge.js'
import { exited, start, stopAll, temporaryHome } from '../helpers/processes.js'

const home = temporaryHome()
afterAll(async () => {
  await stopAll()
  home.remove()
})

it('prints a host entry that pays for a tool on the local chain, and stops everything on Ctrl-C', async () => {
  const env = { ...process.env, ALLOWANCE_HOME: home.home, ALLOWANCE_WALLET_PASSPHRASE: 'demo passphrase' }
  const demo = start(process.execPath, [bridgeBin, 'demo'], { env, stdio: ['ignore', 'pipe', 'pipe'] })
  let out = ''
  demo.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  await expect.poll(() => out, { timeout: 60_000 }).toContain('Press Ctrl-C to stop the demo.')

  const entry = JSON.parse(/\n(\{\n[\s\S]*\n\})\n/.exec(out)![1]!).mcpServers['allowance-demo'] as { command: string; args: string[] }
  const serverUrl = entry.args.at(-1)!
  const client = new Client({ name: 'newcomer-host', version: '1' })
  await client.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: { ...(process.env as Record<string, string>), ALLOWANCE_HOME: home.home }, stderr: 'ignore' }))
  const result = await client.callTool({ name: 'search', arguments: { query: 'first paid call' } })
  expect(result.isError).toBeFalsy()
  expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'settled', reference: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
  await client.close()

  demo.kill('SIGINT')
  expect(await exited(demo)).toBe(0)
  await expect.poll(() => fetch(serverUrl).then(() => 'up', () => 'down'), { timeout: 5000 }).toBe('down')
  await expect.poll(() => existsSync(Home.paths(home.home).socket), { timeout: 5000 }).toBe(false)
}, 120_000)
