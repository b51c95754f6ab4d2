import type { ChildProcess } from 'node:child_process'
import { existsSync } from 'node:fs'
import { CompanionClient } from '../../main/wire/Client.js'
import * as Database from '../../main/ledger/Database.js'
import * as Home from '../../main/shared/Home.js'
import { bridgeBin } from './bridge.js'
import { start } from './processes.js'

/**
 * Starts `allowance daemon` for `home` and waits until its socket answers; `nodeOptions` go to its
 * `node` (`--cpu-prof`, say), `environment` replaces this process's.
 */
export async function startDaemon(home: string, nodeOptions: readonly string[] = [], environment: NodeJS.ProcessEnv = process.env): Promise<Daemon> {
  const child = start(process.execPath, [...nodeOptions, bridgeBin, 'daemon'], { env: { ...environment, ALLOWANCE_HOME: home }, stdio: ['ignore', 'pipe', 'pipe'] })
  let stderr = ''
  let stdout = ''
  child.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  child.stdout?.on('data', (chunk: Buffer) => (stdout += chunk.toString()))
  const socket = Home.paths(home).socket
  const deadline = Date.now() + 15_000
  for (;;) {
    if (existsSync(socket) && /Allowance UI: /.test(stdout)) {
      const client = companionClient(home)
      const up = await client.request({ type: 'status' }).then(
        () => true,
        () => false,
      )
      client.close()
      if (up) break
    }
    if (child.exitCode !== null) throw new Error(`the companion exited with ${child.exitCode}: ${stderr}`)
    if (Date.now() > deadline) throw new Error(`the companion did not come up: ${stderr}`)
    await new Promise((resolve) => setTimeout(resolve, 50))
  }
  const ui = new URL(/Allowance UI: (\S+)/.exec(stdout)![1]!)
  const token = ui.searchParams.get('token')!
  const api = async (method: string, path: string, body?: unknown) => {
    const response = await fetch(new URL(path, ui.origin), {
      method,
      headers: { 'x-allowance-token': token, ...(body ? { 'content-type': 'application/json' } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    })
    return { status: response.status, body: await response.json() }
  }
  return { process: child, stderr: () => stderr, stdout: () => stdout, ui, api }
}

export type Daemon = {
  process: ChildProcess
  stderr: () => string
  /** What it printed for the person at its terminal. */
  stdout: () => string
  /** The UI URL the daemon printed, with its token. */
  ui: URL
  /** Calls the UI API with the token. */
  api(method: string, path: string, body?: unknown): Promise<{ status: number; body: any }>
}

export function companionClient(home: string, options: Partial<CompanionClient.Options> = {}): CompanionClient {
  return new CompanionClient({ socketPath: Home.paths(home).socket, ...options })
}

/** Opens the ledger of `home` (as the CLI does) to arrange or inspect state. */
export function withLedger<T>(home: string, use: (db: Database.Database) => T): T {
  const db = Database.open(Home.paths(home).database)
  try {
    return use(db)
  } finally {
    db.close()
  }
}
