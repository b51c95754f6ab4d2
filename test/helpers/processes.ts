import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process'
import { freePort } from '../../main/shared/Net.js'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Every process a test started, stopped by PID when the test file ends. */
const started = new Set<ChildProcess>()

export function start(command: string, args: string[], options: SpawnOptions = {}): ChildProcess {
  const child = spawn(command, args, { stdio: ['ignore', 'ignore', 'pipe'], ...options })
  started.add(child)
  child.once('exit', () => started.delete(child))
  return child
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

export { freePort } from '../../main/shared/Net.js'

/**
 * Starts a bundled test server (`dist/fixtures/servers/<name>.js`) on a free 127.0.0.1 port and
 * waits until its `/admin/stats` answers. Its stderr is read (a full pipe would stall it), and its
 * tail explains an early exit.
 */
export async function startFixtureServer(name: string, env: NodeJS.ProcessEnv): Promise<{ child: ChildProcess; port: number; base: string; log(): string }> {
  const port = await freePort()
  const child = start(process.execPath, [`dist/fixtures/servers/${name}.js`, String(port)], { env })
  let log = ''
  child.stderr?.on('data', (chunk: Buffer) => void (log = (log + chunk.toString()).slice(-4000)))
  const base = `http://127.0.0.1:${port}`
  const ready = await Promise.race([waitForHttp(`${base}/admin/stats`).then(() => true, () => false), exited(child).then(() => false)])
  if (!ready) throw new Error(`${name} exited before listening:\n${log}`)
  return { child, port, base, log: () => log }
}

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

/** A fresh ALLOWANCE_HOME, removed by the returned function. */
export function temporaryHome(): { home: string; remove(): void } {
  const home = mkdtempSync(join(tmpdir(), 'allowance-test-'))
  return { home, remove: () => rmSync(home, { recursive: true, force: true }) }
}
