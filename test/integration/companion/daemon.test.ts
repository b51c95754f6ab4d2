// The companion as a process: one per ALLOWANCE_HOME, reached over a private socket, started by
// a bridge that finds none, and surviving a crash with its ledger consistent.
import { spawnSync } from 'node:child_process'
import { once } from 'node:events'
import { readFileSync, statSync, writeFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import { connect } from 'node:net'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { startCompanion } from '../../../main/bridge/index.js'
import { CompanionUnavailableError, startDetachedCompanion } from '../../../main/wire/Client.js'
import type { PaymentDecision, Status } from '../../../main/wire/Messages.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Home from '../../../main/shared/Home.js'
import { LineReader } from '../../../main/shared/LineReader.js'
import { bridgeBin } from '../../helpers/bridge.js'
import { evmCharge, recipient } from '../../helpers/challenges.js'
import { companionClient, startDaemon, withLedger } from '../../helpers/companion.js'
import { stop, stopAll } from '../../helpers/processes.js'
import { walletHomes } from '../../helpers/wallet.js'

const homes = walletHomes()
const home = () => homes.create()
afterEach(() => stopAll())
afterAll(() => homes.removeAll())

let calls = 0
const request = (upstream: string, amount = '10000') => ({
  type: 'payment.request' as const,
  request: {
    host: { name: 'Claude Code', version: '2.1' },
    upstream,
    operation: 'tools/call' as const,
    target: 'search',
    arguments: { query: 'weather' },
    challenges: [evmCharge({ amount })],
    call: `call-${++calls}`,
  },
})

describe('one companion per data directory', () => {
  it('listens on an owner-only socket; a second start says one is running and exits', async () => {
    const directory = await home()
    await startDaemon(directory)
    expect(statSync(Home.paths(directory).socket).mode & 0o777).toBe(0o600)
    const second = spawnSync(process.execPath, [bridgeBin, 'daemon'], { env: { ...process.env, ALLOWANCE_HOME: directory }, encoding: 'utf8' })
    expect(second.status).toBe(1)
    expect(second.stderr).toContain('An Allowance companion is already running for this data directory')
  })

  it('takes over the socket a killed companion left behind', async () => {
    const directory = await home()
    const first = await startDaemon(directory)
    await stop(first.process, 'SIGKILL')
    const second = await startDaemon(directory)
    const status = await companionClient(directory).request<Status>({ type: 'status' })
    expect(status.pid).toBe(second.process.pid)
  })
})

describe('bridges and the companion', () => {
  it('a bridge-side client that finds no companion starts one and waits for it', async () => {
    const directory = await home()
    const client = companionClient(directory, {
      hello: { role: 'bridge', upstream: 'https://tools.example.com/mcp' },
      autoStart: () => startDetachedCompanion(bridgeBin, { ...process.env, ALLOWANCE_HOME: directory }),
    })
    const status = await client.request<Status>({ type: 'status' })
    expect(status.bridges).toBe(1)
    expect(status.paused).toBe(false)
    client.close()
    process.kill(status.pid, 'SIGTERM') // detached: stopped by its PID
    await expect.poll(() => {
      try {
        process.kill(status.pid, 0)
        return true
      } catch {
        return false
      }
    }).toBe(false)
  })

  it("a bridge whose entry the packaged app wrote opens the app in its tray instead, without the entry's variable", async () => {
    const directory = await home()
    // The app stands in: it records how it was opened, then serves the data directory as the app would.
    const app = join(directory, 'Allowance')
    writeFileSync(app, `#!/bin/sh\necho "$* \${ALLOWANCE_APP:-none}" > "${join(directory, 'opened')}"\nexec "${process.execPath}" "${resolve(bridgeBin)}" daemon --quiet\n`, { mode: 0o755 })
    const client = companionClient(directory, {
      hello: { role: 'bridge', upstream: 'https://tools.example.com/mcp' },
      autoStart: () => startCompanion({ ...process.env, ALLOWANCE_HOME: directory, ALLOWANCE_APP: app }, bridgeBin),
    })
    const status = await client.request<Status>({ type: 'status' })
    expect(readFileSync(join(directory, 'opened'), 'utf8').trim()).toBe('--in-tray none')
    client.close()
    process.kill(status.pid, 'SIGTERM') // detached: stopped by its PID
    await expect.poll(() => {
      try {
        process.kill(status.pid, 0)
        return true
      } catch {
        return false
      }
    }).toBe(false)
  })

  it('without a companion and without auto-start, a request fails with a clear error', async () => {
    const error = await companionClient(await home()).request({ type: 'status' }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(CompanionUnavailableError)
    expect(String(error)).toMatch(/companion is not running/)
  })

  it('bridges reconnect after the companion restarts', async () => {
    const directory = await home()
    const first = await startDaemon(directory)
    const client = companionClient(directory, { hello: { role: 'bridge' } })
    expect((await client.request<Status>({ type: 'status' })).pid).toBe(first.process.pid)
    await stop(first.process)
    const second = await startDaemon(directory)
    expect((await client.request<Status>({ type: 'status' })).pid).toBe(second.process.pid)
    client.close()
  })
})

describe('decisions over the socket', () => {
  it('approves a payment an auto-approve rule covers and records it; settles it on the reported receipt', async () => {
    const directory = await home()
    const upstream = 'https://tools.example.com/mcp'
    withLedger(directory, (db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient, unit: 'usd', amount: 50_000n, now: Date.now() }))
    await startDaemon(directory)
    const client = companionClient(directory)
    const decision = await client.request<PaymentDecision>(request(upstream))
    expect(decision).toMatchObject({ kind: 'approved', decidedBy: 'rule:1', credential: { challenge: { method: 'evm', request: { amount: '10000' } } } })
    const paymentId = (decision as { paymentId: number }).paymentId
    await client.request({ type: 'payment.outcome', paymentId, outcome: { status: 'accepted', receipt: { status: 'success', method: 'tempo', reference: '0xabc', challengeId: 'x' } } })
    client.close()
    const row = withLedger(directory, (db) => Payments.get(db, paymentId))!
    // A receipt is the server's word: accepted, then checked on chain (this chain has no RPC endpoint here).
    expect(row).toMatchObject({ host: 'Claude Code', upstream, target: 'search', receiptReference: '0xabc' })
    expect(['accepted', 'unconfirmed']).toContain(row.state)
  })

  it('declines with a reason and a sentence the agent can relay when payments are paused', async () => {
    const directory = await home()
    withLedger(directory, (db) => db.prepare(`INSERT INTO settings (key, value) VALUES ('paused', 'true')`).run())
    await startDaemon(directory)
    const decision = await companionClient(directory).request<PaymentDecision>(request('https://tools.example.com/mcp'))
    expect(decision).toMatchObject({ kind: 'declined', reason: 'paused' })
    expect((decision as { message: string }).message).toBe('Payment of 0.01 USDC to tools.example.com for `search` was declined: payments are paused in Allowance.')
  })

  it('answers every request of a pipelined write, each under its own id, once decided', async () => {
    const directory = await home()
    const upstream = 'https://tools.example.com/mcp'
    withLedger(directory, (db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient, unit: 'usd', amount: 50_000n, now: Date.now() }))
    await startDaemon(directory)
    const socket = connect(Home.paths(directory).socket)
    await once(socket, 'connect')
    const ids = Array.from({ length: 20 }, (_, i) => `r${i}`)
    const lines: { id: string; ok: boolean; result: PaymentDecision }[] = []
    const answered = new Promise<void>((resolve) => {
      const reader = new LineReader((line) => lines.push(JSON.parse(line)) === ids.length && resolve())
      socket.on('data', (chunk) => reader.push(chunk.toString()))
    })
    const line = (id: string) => {
      const message = request(upstream)
      return `${JSON.stringify({ v: 2, id, ...message, request: { ...message.request, arguments: { query: id } } })}\n` // distinct calls: no loop breaker
    }
    socket.write(ids.map(line).join(''))
    await answered
    socket.destroy()
    expect(lines.map((line) => line.id).sort()).toEqual([...ids].sort())
    expect(lines.every((line) => line.ok && line.result.kind === 'approved')).toBe(true)
    // The connection closed holding every credential: each is handed to the settlement checks (money may have moved).
    const states = () => withLedger(directory, (db) => Payments.list(db).map((row) => (row.state === 'unconfirmed' ? 'sent' : row.state)))
    await expect.poll(states).toEqual(Array(ids.length).fill('sent'))
  })
})
