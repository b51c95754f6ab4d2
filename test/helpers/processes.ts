import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { freePort } from '../../main/shared/Net.js'

/** Every process a test started, stopped by PID when the test file ends. */
const started = new Set<ChildProcess>()

export function start(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options })
  started.add(child)
  child.once('exit', () => started.delete(child))
  return child
}

/**
 * Runs a rig's setup; when it fails, stops every process started so far (and runs `cleanUp`, for
 * what else the setup made) before throwing: the tests then have no rig to stop.
 */
export async function settingUp<T>(setup: () => Promise<T>, cleanUp?: () => void): Promise<T> {
  try {
    return await setup()
  } catch (error) {
    await stopAll()
    cleanUp?.()
    throw error
  }
}

export async function stop(child: ChildProcess, signal: NodeJS.Signals = 'SIGTERM'): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise((resolve) => child.once('exit', resolve))
  child.kill(signal)
  const timer = setTimeout(() => child.kill('SIGKILL'), 3000)
  await exited
  clearTimeout(timer)
}

export async function stopAll(): Promise<void> {
  await Promise.all([...started].map((child) => stop(child)))
}

/**
 * Stops a child started with `detached: true` together with everything it started (`npm start`
 * runs the companion as its grandchild), by signalling its process group as a terminal's Ctrl-C
 * would. Resolves once the child has exited: true when `signal` was enough, false when the group
 * had to be killed.
 */
export async function stopGroup(child: ChildProcess, signal: NodeJS.Signals = 'SIGINT'): Promise<boolean> {
  if (child.exitCode !== null || child.signalCode !== null) return true
  let graceful = true
  const signalGroup = (name: NodeJS.Signals) => {
    try {
      process.kill(-child.pid!, name)
    } catch {} // the group is already gone
  }
  signalGroup(signal)
  const timer = setTimeout(() => {
    graceful = false
    signalGroup('SIGKILL')
  }, 5000)
  await exited(child)
  clearTimeout(timer)
  return graceful
}

export function exited(child: ChildProcess): Promise<number | null> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve(child.exitCode)
  return new Promise((resolve) => child.once('exit', (code) => resolve(code)))
}

export { freePort }

/** Resolves once something accepts HTTP on `url` (any status). */
export async function waitForHttp(url: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    try {
      await fetch(url, { method: 'GET', signal: AbortSignal.timeout(1000) }).then((response) => response.body?.cancel())
      return
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  throw new Error(`nothing answered on ${url} within ${timeoutMs} ms`)
}

/** A test server on a free port, up and answering `readyPath`; `log()` is the tail of its stderr. */
export type FixtureServer = { child: ChildProcess; port: number; base: string; log(): string }

/**
 * Starts the bundled test server `script` (`args(port)` gives its arguments) on a free port and
 * waits until `readyPath` answers. The port is only known free a moment before the server binds
 * it, so a server that lost it to another process is started again on another; a server that
 * exits for any other reason fails with its own words. Startup is given a minute because the
 * machines running the suite are shared and can be slow.
 */
export async function startFixtureServer(
  name: string,
  script: string,
  options: { args?: (port: number) => string[]; env?: NodeJS.ProcessEnv; readyPath?: string; nodeArgs?: string[] } = {},
): Promise<FixtureServer> {
  const { args = (port) => [String(port)], env = process.env, readyPath = '/admin/stats', nodeArgs = [] } = options
  for (let attempt = 1; ; attempt++) {
    const port = await freePort()
    const child = start(process.execPath, [...nodeArgs, script, ...args(port)], { env })
    // Reading stderr keeps a full pipe from stalling the server and explains an early exit.
    let log = ''
    child.stderr?.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-4000)))
    const stderrClosed = new Promise((resolve) => (child.stderr ? child.stderr.once('close', resolve) : resolve(undefined)))
    const base = `http://127.0.0.1:${port}`
    const outcome = await Promise.race([
      waitForHttp(`${base}${readyPath}`, 60_000).then(() => 'ready' as const, () => 'silent' as const),
      exited(child).then(() => 'exited' as const),
    ])
    if (outcome === 'ready') return { child, port, base, log: () => log }
    if (outcome === 'silent') {
      await stop(child)
      throw new Error(`the ${name} did not answer on ${base}${readyPath} within 60 s:\n${log}`)
    }
    await stderrClosed
    if (log.includes('EADDRINUSE') && attempt < 3) continue
    throw new Error(`the ${name} exited before listening:\n${log}`)
  }
}

/** A fresh ALLOWANCE_HOME, removed by the returned function. */
export function temporaryHome(): { home: string; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), 'allowance-test-'))
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) }
}
