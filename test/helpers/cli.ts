import { execFile } from 'node:child_process'
import { createHash, randomUUID } from 'node:crypto'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import type { CompanionClient } from '../../main/wire/Client.js'
import type { PaymentDecision } from '../../main/wire/Messages.js'
import { afterAll, afterEach } from 'vitest'
import { bridgeBin } from './bridge.js'
import { evmCharge } from './challenges.js'
import { stopAll, temporaryHome } from './processes.js'
import { fileWallet } from './wallet.js'

export type Run = { code: number; stdout: string; stderr: string }

/**
 * Runs the built `allowance` command against `home`, as a user's shell would: `input` is piped to
 * its stdin, `env` replaces this process's environment.
 */
export function cli(home: string, args: string[], options: { input?: string; env?: NodeJS.ProcessEnv } = {}): Promise<Run> {
  return new Promise((resolve) => {
    const child = execFile(process.execPath, [bridgeBin, ...args], { env: { ...(options.env ?? process.env), ALLOWANCE_HOME: home } }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : 1) : 0
      resolve({ code, stdout, stderr })
    })
    child.stdin?.end(options.input ?? '')
  })
}

/**
 * Every file under `home` with a hash of its bytes (SQLite's transient `-wal` and `-shm` aside):
 * what a refused command must leave as it was.
 */
export function files(home: string): Record<string, string> {
  const names = readdirSync(home, { recursive: true, encoding: 'utf8' }).filter((name) => !/-(wal|shm)$/.test(name) && statSync(join(home, name)).isFile())
  return Object.fromEntries(names.sort().map((name) => [name, createHash('sha256').update(readFileSync(join(home, name))).digest('hex')]))
}

/** Runs `allowance …` and expects it to succeed. */
export async function ok(home: string, args: string[]): Promise<string> {
  const run = await cli(home, args)
  if (run.code !== 0) throw new Error(`allowance ${args.join(' ')} exited ${run.code}: ${run.stderr}`)
  return run.stdout
}

/** Sends one payment request for an evm charge of `amount` atomic USDC (6 decimals), as a bridge would. */
export function requestPayment(client: CompanionClient, options: { upstream: string; amount?: string; target?: string; host?: string }) {
  return client.send<PaymentDecision>({
    type: 'payment.request',
    request: {
      host: { name: options.host ?? 'Claude Code' },
      upstream: options.upstream,
      operation: 'tools/call',
      target: options.target ?? 'search',
      arguments: { query: randomUUID() },
      challenges: [evmCharge({ amount: options.amount })],
      call: randomUUID(),
    },
  })
}

/**
 * For a test file: a function giving a fresh ALLOWANCE_HOME per call (with a wallet where the
 * companion must be able to pay), all removed when the file ends; processes stop after each test.
 */
export function homes(): (options?: { wallet?: boolean }) => Promise<string> {
  const created: { remove(): void }[] = []
  afterEach(() => stopAll())
  afterAll(() => created.forEach((home) => home.remove()))
  return async (options = {}) => {
    const home = temporaryHome()
    created.push(home)
    if (options.wallet) await fileWallet(home.home)
    return home.home
  }
}
