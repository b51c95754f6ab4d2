// `allowance doctor` on fixture homes: a healthy Allowance entry against the real paid server, and
// each thing that keeps an agent from paying, reported with its fix.
import { execFile } from 'node:child_process'
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import * as Doctor from '../../../main/doctor/Doctor.js'
import * as Host from '../../../main/hosts/Host.js'
import * as Wallet from '../../../main/wallet/Wallet.js'
import { bridgeBin } from '../../helpers/bridge.js'
import { startChain, startPaidServer } from '../../helpers/chain.js'
import { cli, homes, ok } from '../../helpers/cli.js'
import { startDaemon } from '../../helpers/companion.js'
import { freePort, stop } from '../../helpers/processes.js'

const home = homes() // also stops, after each test, the processes it started

/** The repository's paid MCP server on a fresh local chain. */
const paidServer = async () => startPaidServer(await startChain())

/** A data directory and a stand-in home directory for the hosts' files. */
async function fixture(options: { wallet?: boolean } = {}): Promise<{ dataHome: string; hostsHome: string }> {
  const dataHome = await home()
  const hostsHome = join(dataHome, 'user')
  mkdirSync(hostsHome)
  vi.stubEnv('ALLOWANCE_HOSTS_HOME', hostsHome)
  if (options.wallet) await Wallet.create(dataHome) // in the test session's OS keychain
  return { dataHome, hostsHome }
}

function write(path: string, value: unknown): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, typeof value === 'string' ? value : JSON.stringify(value, null, 2))
}

/** What `command` prints on a terminal: `script` gives it one (its lines end in CRLF there). */
function terminal(command: string, env: NodeJS.ProcessEnv): Promise<string> {
  return new Promise((resolve, reject) =>
    execFile('script', ['-qec', command, '/dev/null'], { env }, (error, stdout) => (error && error.code !== 1 ? reject(error) : resolve(stdout.replace(/\r\n/g, '\n')))),
  )
}

async function doctor(dataHome: string) {
  const run = await cli(dataHome, ['doctor', '--json'])
  if (run.stdout === '') throw new Error(`allowance doctor printed nothing (exit ${run.code}): ${run.stderr}`)
  return { code: run.code, report: JSON.parse(run.stdout) }
}

describe('allowance doctor', () => {
  it('finds a healthy setup: the entry starts and reaches the paid server, the companion answers, the wallet key is in the keychain', async () => {
    const { dataHome, hostsHome } = await fixture({ wallet: true })
    const server = await paidServer()
    write(join(hostsHome, '.cursor', 'mcp.json'), { mcpServers: { docs: { url: 'https://docs.example.com/mcp' } } })
    await ok(dataHome, ['install', 'cursor', 'paid', server.url, '--create'])
    const daemon = await startDaemon(dataHome)

    const { code, report } = await doctor(dataHome)
    expect(report.problems).toEqual([])
    expect(code).toBe(0)
    const cursor = report.hosts.find((config: any) => config.host.id === 'cursor')
    expect(cursor.installed).toBe(true)
    expect(cursor.files[0].servers).toEqual([
      { name: 'docs', throughAllowance: false, managed: false, routable: true, upstream: 'https://docs.example.com/mcp' },
      {
        name: 'paid',
        throughAllowance: true,
        managed: true,
        routable: false,
        upstream: server.url,
        check: { status: 'answered', server: expect.any(String), ms: expect.any(Number) },
      },
    ])
    expect(report.hosts.find((config: any) => config.host.id === 'zed')).toMatchObject({ installed: false })
    expect(report.companion).toEqual({ running: true, pid: daemon.process.pid, version: expect.any(String), wallet: expect.objectContaining({ store: 'keychain', canSign: true }) })
    expect(report.payment).toEqual({
      wallet: { address: Wallet.info(dataHome)!.address, store: 'keychain', keyPresent: true },
      keychain: { reachable: true },
    })

    const text = await cli(dataHome, ['doctor'])
    expect(text.code).toBe(0)
    expect(text.stdout).toMatch(new RegExp(`^    ✓ paid  through Allowance to ${server.url.replace(/[.]/g, '\\.')}: answered by .+ in \\d+ ms$`, 'm'))
    expect(text.stdout).toMatch(/^    ✓ docs  direct \(allowance install --wrap routes it through Allowance\): https:\/\/docs\.example\.com\/mcp$/m)
    expect(text.stdout).toMatch(/^✓ Companion: running/m)
    expect(text.stdout).toMatch(/^✓ Wallet: 0x[0-9a-fA-F]{40} \(key in the OS keychain\)$/m)
    expect(text.stdout).not.toContain('✗')
    expect(text.stdout).toContain('No problems found.')
  })

  it('reports a missing command, a moved Allowance, an unset header variable, an unreachable upstream, a corrupt file, a stopped companion and no wallet, each with its fix', async () => {
    const { dataHome, hostsHome } = await fixture()
    const url = 'https://tools.example.com/mcp'
    await ok(dataHome, ['install', 'claude-desktop', 'moved', url, '--create'])
    const desktop = join(hostsHome, '.config', 'Claude', 'claude_desktop_config.json')
    const config = JSON.parse(readFileSync(desktop, 'utf8'))
    config.mcpServers.moved.args[0] = join(hostsHome, 'old-checkout', 'dist', 'allowance.js')
    write(desktop, config)
    const closed = `http://127.0.0.1:${await freePort()}/mcp`
    await ok(dataHome, ['install', 'windsurf', 'offline', closed, '--create'])
    await ok(dataHome, ['install', 'vscode', 'keyed', url, '--header', 'X-Api-Key: ${DOCTOR_UNSET_KEY}', '--create'])
    write(join(hostsHome, '.cursor', 'mcp.json'), {
      mcpServers: { broken: { command: join(hostsHome, 'no-such-node'), args: ['allowance.js', 'bridge', 'https://a.example/mcp'], env: { ALLOWANCE_MANAGED: '1' } } },
    })
    const corrupt = '{ "context_servers": { "x": { "command": "y", } '
    write(join(hostsHome, '.config', 'zed', 'settings.json'), corrupt)
    // A companion that was killed leaves its socket file behind.
    const daemon = await startDaemon(dataHome)
    await stop(daemon.process, 'SIGKILL')

    const { code, report } = await doctor(dataHome)
    expect(code).toBe(1)
    expect(report.ok).toBe(false)
    const problem = (subject: string) => report.problems.find((found: any) => found.subject === subject)

    expect(problem('Cursor "broken"')).toEqual({
      subject: 'Cursor "broken"',
      problem: `The entry goes through Allowance but does not work: its command ${join(hostsHome, 'no-such-node')} does not exist.`,
      fix: 'Write it again for this Allowance with allowance install cursor broken https://a.example/mcp, or remove it with allowance uninstall cursor broken.',
    })
    expect(problem('Claude Desktop "moved"')).toMatchObject({
      problem: expect.stringMatching(/does not work: it exited \(code 1\) before answering initialize: .*Cannot find module/),
      fix: `Write it again for this Allowance with allowance install claude-desktop moved ${url}, or remove it with allowance uninstall claude-desktop moved.`,
    })
    expect(problem('Windsurf "offline"')).toMatchObject({
      problem: expect.stringContaining('does not work: initialize failed'),
      fix: expect.stringContaining(`Check that ${closed} is up and reachable`),
    })
    expect(problem('VS Code "keyed"')).toEqual({
      subject: 'VS Code "keyed"',
      problem: 'The entry goes through Allowance but does not work: it exited (code 2) before answering initialize: allowance: --header X-Api-Key uses ${DOCTOR_UNSET_KEY}, which is not set in the environment.',
      fix: 'Set DOCTOR_UNSET_KEY in the entry\'s "env" (or in the environment the host starts with).',
    })
    expect(problem(`Zed: ${join(hostsHome, '.config', 'zed', 'settings.json')}`)).toMatchObject({ problem: expect.stringContaining('is not a JSONC object') })
    expect(readFileSync(join(hostsHome, '.config', 'zed', 'settings.json'), 'utf8')).toBe(corrupt)
    expect(problem('Companion')).toMatchObject({ problem: expect.stringContaining('The companion is not running'), fix: expect.stringContaining('allowance start') })
    expect(problem('Payment')).toMatchObject({ problem: 'Nothing can pay: there is no wallet and no card.', fix: expect.stringContaining('allowance wallet create') })
    expect(report.problems).toHaveLength(7)
    // What the Servers screen shows on each load: only what the files tell, nothing started or asked.
    expect(Doctor.entries({ dataHome, where: Host.here() }).problems.map((found) => found.subject)).toEqual([
      `Zed: ${join(hostsHome, '.config', 'zed', 'settings.json')}`,
      'Payment',
    ])
    expect(report.companion).toMatchObject({ running: false })

    const text = await cli(dataHome, ['doctor'])
    expect(text.code).toBe(1)
    expect(text.stdout).toMatch(/^7 problems\.$/m)
    // Each problem on the line of what it is about, said once, with its fix below it.
    expect(text.stdout).toMatch(/^ {4}✗ Cursor "broken": The entry goes through Allowance but does not work: .+\n {6}Fix: Write it again for this Allowance with allowance install cursor broken/m)
    expect(text.stdout).toMatch(/^✗ Companion: The companion is not running .+\n {2}Fix: Start it with allowance start/m)
    // (by its subject: a second run's words for an unreachable server may differ, a timeout for a refusal)
    for (const found of report.problems) expect(text.stdout.split(`✗ ${found.subject}: `)).toHaveLength(2)
    expect(text.stdout.match(/✗/g)).toHaveLength(7)
    expect(text.stdout).not.toContain('\x1b[') // not a terminal: no colour
  })

  it('colours its marks on a terminal, unless NO_COLOR is set', async () => {
    const { dataHome, hostsHome } = await fixture()
    write(join(hostsHome, '.cursor', 'mcp.json'), { mcpServers: { docs: { url: 'https://docs.example.com/mcp' } } })
    write(join(hostsHome, '.config', 'zed', 'settings.json'), '{ "context_servers": ')
    const onTerminal = (env: NodeJS.ProcessEnv) => terminal(`${process.execPath} ${bridgeBin} doctor`, { ...process.env, ALLOWANCE_HOME: dataHome, ...env })

    const coloured = await onTerminal({})
    expect(coloured).toMatch(/^ {2}\x1b\[32m✓\x1b\[39m Cursor: /m)
    expect(coloured).toMatch(/^ {2}\x1b\[31m✗\x1b\[39m Zed: .+ is not a JSONC object/m)
    const plain = await onTerminal({ NO_COLOR: '1' })
    expect(plain).not.toContain('\x1b[')
    expect(plain).toMatch(/^ {2}✗ Zed: .+ is not a JSONC object/m)
  })

  it('reports a wallet whose key is missing from the keychain', async () => {
    const { dataHome } = await fixture()
    await ok(dataHome, ['install', 'cursor', 'paid', (await paidServer()).url, '--create'])
    await startDaemon(dataHome)
    const address = '0x00000000000000000000000000000000000000a1'
    write(Wallet.infoPath(dataHome), { address, store: 'keychain' })

    const { report } = await doctor(dataHome)
    expect(report.problems).toEqual([
      {
        subject: 'Wallet',
        problem: `The wallet ${address} is recorded, but its key is missing from the OS keychain.`,
        fix: 'Forget it with allowance wallet remove, then import the key again with allowance wallet import < key.txt.',
      },
    ])
  })
})
