// The first run, as the README tells a newcomer, on a machine with no keychain (no D-Bus session,
// no ALLOWANCE_WALLET_PASSPHRASE): on a clean copy of the repository, the quick start's first
// command installs and starts Allowance (headless here, saying why) with a UI that answers; then,
// in a second terminal, the demo asks for a passphrase for the new wallet (piped here, one line),
// hands it to that companion, and its printed host entry, launched as a host launches it, makes a
// paid call that settles on the local chain and shows in the history. Ctrl-C stops what each
// started; neither the passphrase nor the key is left on disk, in the logs or on a command line.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { execFileSync, type ChildProcess } from 'node:child_process'
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Home from '../../main/shared/Home.js'
import * as SecretStore from '../../main/wallet/SecretStore.js'
import { start, stopGroup, temporaryHome } from '../helpers/processes.js'
import { withoutKeychain } from '../helpers/wallet.js'

const readme = readFileSync('README.md', 'utf8')
const clone = mkdtempSync(join(tmpdir(), 'allowance-clone-'))
const home = temporaryHome()
// A newcomer's terminal: no display here, so Allowance must fall back to the headless companion.
const env: NodeJS.ProcessEnv = { ...withoutKeychain(), ALLOWANCE_HOME: home.home }
delete env.DISPLAY
delete env.WAYLAND_DISPLAY
const passphrase = 'my first passphrase'
const groups: ChildProcess[] = []

beforeAll(() => {
  // What a clone of this commit holds: the tracked files (and new ones not yet committed), nothing built or installed.
  const files = execFileSync('git', ['ls-files', '-z', '--cached', '--others', '--exclude-standard'], { encoding: 'utf8' }).split('\0').filter(Boolean)
  for (const file of files) if (existsSync(file)) cpSync(file, join(clone, file))
})

afterAll(async () => {
  for (const group of groups.reverse()) await stopGroup(group, 'SIGTERM')
  rmSync(clone, { recursive: true, force: true })
  home.remove()
})

it('the quick start brings Allowance up headless; the demo entry makes a paid call that settles and shows in the history', async () => {
  const quickStart = commandsOf('Quick start')
  expect(quickStart).toHaveLength(2)
  const [runCommand, testCommand] = quickStart
  expect(testCommand).toBe('npm test')

  const allowance = shell(runCommand!)
  await expect.poll(allowance.out, { timeout: 400_000, interval: 500 }).toMatch(/Allowance UI: \S+/)
  expect(allowance.out()).toContain('Allowance: starting the headless companion because there is no display')
  const ui = new URL(/Allowance UI: (\S+)/.exec(allowance.out())![1]!)
  const page = await fetch(ui)
  expect(page.status).toBe(200)
  expect(await page.text()).toContain('<div id="root">')
  const api = (path: string) => fetch(new URL(path, ui.origin), { headers: { 'x-allowance-token': ui.searchParams.get('token')! } }).then((response) => response.json())
  expect(await api('/api/status')).toMatchObject({ paused: false, pendingApprovals: 0 })

  const [demoCommand] = commandsOf('Try a paid tool call in a minute')
  const demo = shell(demoCommand!, `${passphrase}\n`)
  await expect.poll(demo.out, { timeout: 120_000, interval: 500 }).toContain('Press Ctrl-C to stop the demo.')
  expect(demo.out()).toContain('No OS keychain answers')
  expect(await api('/api/status')).toMatchObject({ wallet: { store: 'file', locked: false, canSign: true } })
  // The demo's server says nothing; what the demo printed is the demo's own.
  expect(demo.out()).not.toMatch(/paid test server|listening on/)
  const entry = JSON.parse(/\n(\{\n[\s\S]*\n\})\n/.exec(demo.out())![1]!).mcpServers['allowance-demo'] as { command: string; args: string[] }
  const serverUrl = entry.args.at(-1)!

  const host = new Client({ name: 'newcomer-host', version: '1' })
  await host.connect(new StdioClientTransport({ command: entry.command, args: entry.args, env: env as Record<string, string>, stderr: 'ignore' }))
  const result = await host.callTool({ name: 'search', arguments: { query: 'first paid call' } })
  await host.close()
  expect(result.isError).toBeFalsy()
  const payment = result._meta?.['allowance/payment'] as { status: string; reference: string }
  expect(payment).toMatchObject({ status: 'accepted', reference: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
  // The companion `npm start` brought up is the one that paid: its history shows the call.
  // The server accepted it; the companion then finds the transfer on the demo's chain.
  const history = async () => ((await api('/api/history')) as { rows: { target: string; state: string; reference: string | null }[] }).rows
  await expect.poll(history).toEqual([expect.objectContaining({ target: 'search', state: 'confirmed', reference: payment.reference })])

  // Ctrl-C on the demo stops its chain and server, and leaves the user's companion running.
  expect(await stopGroup(demo.child)).toBe(true)
  await expect.poll(() => fetch(serverUrl).then(() => 'up', () => 'down'), { timeout: 5000 }).toBe('down')
  expect(await api('/api/status')).toMatchObject({ paused: false })
  expect(await stopGroup(allowance.child)).toBe(true)
  expect(existsSync(Home.paths(home.home).socket)).toBe(false)

  const key = (await SecretStore.encryptedFile(SecretStore.keystorePath(home.home, 'wallet'), passphrase).read())!
  const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
  for (const secret of [passphrase, key.slice(2)]) {
    for (const file of filesUnder(home.home)) expect(readFileSync(file).toString('latin1').includes(secret), `${file} holds a secret`).toBe(false)
    expect(processes.includes(secret)).toBe(false)
    expect(allowance.out().includes(secret) || demo.out().includes(secret)).toBe(false)
  }
}, 600_000)

function filesUnder(directory: string): string[] {
  return readdirSync(directory, { withFileTypes: true }).flatMap((entry) => {
    const path = join(directory, entry.name)
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : []
  })
}

/** The commands of the first `sh` block under a README heading, without their comments. */
function commandsOf(heading: string): string[] {
  const section = readme.split(/^## /m).find((part) => part.startsWith(`${heading}\n`))
  const block = /```sh\n([\s\S]*?)```/.exec(section ?? '')
  if (!block) throw new Error(`the README has no sh block under "## ${heading}"`)
  return block[1]!.split('\n').map((line) => line.replace(/\s+#.*$/, '').trim()).filter(Boolean)
}

/**
 * Runs a README command in the clone as a terminal would: in its own process group, for Ctrl-C.
 * `out()` is what it printed so far, and throws once the command has ended, so a failed step
 * fails the test at once with its output instead of waiting out a poll.
 */
function shell(command: string, input?: string): { child: ChildProcess; out(): string } {
  const child = start('sh', ['-c', command], { cwd: clone, env, detached: true, stdio: [input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'] })
  if (input !== undefined) child.stdin!.end(input)
  groups.push(child)
  let out = ''
  child.stdout!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  child.stderr!.on('data', (chunk: Buffer) => (out += chunk.toString()))
  return {
    child,
    out() {
      if (child.exitCode !== null) throw new Error(`\`${command}\` ended with code ${child.exitCode}:\n${out.slice(-4000)}`)
      return out
    },
  }
}
