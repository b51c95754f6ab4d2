// Decisions that need a human, through a running companion: the queue as UI clients see it over
// the token-protected API, timeouts, cancellation, crashes, hostile input and concurrent bridges.
import { spawn } from 'node:child_process'
import { randomUUID } from 'node:crypto'
import { createConnection } from 'node:net'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import type { CompanionClient } from '../../../main/wire/Client.js'
import type { PaymentDecision, Status } from '../../../main/wire/Messages.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Settings from '../../../main/ledger/Settings.js'
import * as Home from '../../../main/shared/Home.js'
import { evmCharge, recipient, tempoCharge } from '../../helpers/challenges.js'
import { companionClient, startDaemon, withLedger, type Daemon } from '../../helpers/companion.js'
import { stop, stopAll } from '../../helpers/processes.js'
import { walletHomes } from '../../helpers/wallet.js'

const homes = walletHomes()
const home = () => homes.create()
afterEach(() => stopAll())
afterAll(() => homes.removeAll())

const upstream = 'https://tools.example.com/mcp'
function paymentRequest(client: CompanionClient, options: { amount?: string; challenges?: unknown[]; target?: string } = {}) {
  return client.send<PaymentDecision>({
    type: 'payment.request',
    request: {
      host: { name: 'Cursor' },
      upstream,
      operation: 'tools/call',
      target: options.target ?? 'search',
      arguments: { query: 'flights to Lisbon', apiKey: 'secret-value' },
      challenges: options.challenges ?? [evmCharge({ amount: options.amount })],
      call: randomUUID(),
    },
  })
}

async function waitingApprovals(daemon: Daemon, count: number) {
  await expect.poll(async () => (await daemon.api('GET', '/api/approvals')).body.length, { timeout: 10_000 }).toBe(count)
  return (await daemon.api('GET', '/api/approvals')).body
}

const states = (directory: string) =>
  withLedger(directory, (db) => Object.fromEntries(Payments.list(db).map((row) => [row.id, row.state])))

describe('a payment that needs a human', () => {
  it('waits in the queue with what the UI must show, and is paid once a human approves', async () => {
    const directory = await home()
    const daemon = await startDaemon(directory)
    const client = companionClient(directory)
    const { result } = paymentRequest(client)
    const [entry] = await waitingApprovals(daemon, 1)
    expect(entry).toMatchObject({
      host: 'Cursor',
      upstream,
      operation: 'tools/call',
      target: 'search',
      reasons: expect.arrayContaining(['new_server']),
      payment: { amount: '10000', method: 'evm', realm: 'tools.example.com', currency: { symbol: 'USDC', decimals: 6 } },
    })
    expect(entry.argumentsPreview).not.toContain('secret-value')
    expect(JSON.stringify(entry)).not.toContain('"request"') // the raw challenge never reaches a UI

    expect((await daemon.api('POST', `/api/approvals/${entry.paymentId}/approve`, { option: 'once' })).status).toBe(200)
    expect(await result).toMatchObject({ kind: 'approved', paymentId: entry.paymentId, decidedBy: 'human' })
    expect(states(directory)).toEqual({ [entry.paymentId]: 'signed' }) // the credential went to the bridge
    client.close()
  })

  it('an approval with "allow this server for 30 minutes up to $0.05" pays the next calls without asking, until the lease is spent', async () => {
    const directory = await home()
    const daemon = await startDaemon(directory)
    const client = companionClient(directory)
    const first = paymentRequest(client, { amount: '20000' })
    const [entry] = await waitingApprovals(daemon, 1)
    await daemon.api('POST', `/api/approvals/${entry.paymentId}/approve`, { option: { lease: { minutes: 30, limit: '50000' } } })
    expect((await first.result).kind).toBe('approved')
    expect(await paymentRequest(client, { amount: '20000' }).result).toMatchObject({ kind: 'approved', decidedBy: 'lease:1' })
    // 0.04 of the lease's 0.05 is used: the next 0.02 is asked again.
    void paymentRequest(client, { amount: '20000' }).result.catch(() => {}) // withdrawn when the client closes
    await waitingApprovals(daemon, 1)
    client.close()
  })

  it('times out to a decline with reason timeout', async () => {
    const directory = await home()
    withLedger(directory, (db) => Settings.set(db, { approvalTimeoutMs: 1500 }))
    await startDaemon(directory)
    const client = companionClient(directory)
    const decision = await paymentRequest(client).result
    expect(decision).toMatchObject({ kind: 'declined', reason: 'timeout' })
    expect((decision as { message: string }).message).toMatch(/^Payment of 0.01 USDC to tools.example.com for `search` was declined: nobody approved it in time\.$/)
    client.close()
  })

  it('is withdrawn when the host cancels, and "Decline all" answers every waiting payment', async () => {
    const directory = await home()
    const daemon = await startDaemon(directory)
    const client = companionClient(directory)
    const cancelled = paymentRequest(client, { target: 'a' })
    const others = [paymentRequest(client, { target: 'b' }), paymentRequest(client, { target: 'c' })]
    await waitingApprovals(daemon, 3)
    await client.request({ type: 'payment.cancel', requestId: cancelled.id })
    expect(await cancelled.result).toMatchObject({ kind: 'declined', reason: 'cancelled' })
    await waitingApprovals(daemon, 2)
    expect((await daemon.api('POST', '/api/approvals/decline-all')).body).toHaveLength(2)
    for (const other of others) expect(await other.result).toMatchObject({ kind: 'declined', reason: 'declined_by_user' })
    expect(Object.values(states(directory))).toEqual(['declined', 'declined', 'declined'])
    client.close()
  })

  it('is withdrawn when its bridge disconnects', async () => {
    const directory = await home()
    const daemon = await startDaemon(directory)
    const client = companionClient(directory)
    void paymentRequest(client).result.catch(() => {})
    const [entry] = await waitingApprovals(daemon, 1)
    client.close()
    await waitingApprovals(daemon, 0)
    expect(states(directory)).toEqual({ [entry.paymentId]: 'declined' })
  })
})

describe('the UI API refuses what is not the user', () => {
  it('needs the token, the right Host, and no foreign Origin', async () => {
    const daemon = await startDaemon(await home())
    const url = new URL('/api/approvals', daemon.ui.origin)
    expect((await fetch(url)).status).toBe(401)
    const token = daemon.ui.searchParams.get('token')!
    expect((await fetch(url, { headers: { 'x-allowance-token': token, origin: 'https://evil.example' } })).status).toBe(403)
    // A DNS-rebinding page reaches the port under its own host name.
    const rebound = await new Promise<string>((resolve) => {
      const socket = createConnection(Number(daemon.ui.port), '127.0.0.1', () =>
        socket.write(`GET /api/approvals HTTP/1.1\r\nHost: evil.example:${daemon.ui.port}\r\nx-allowance-token: ${token}\r\nConnection: close\r\n\r\n`),
      )
      let text = ''
      socket.on('data', (chunk) => (text += chunk))
      socket.on('end', () => resolve(text))
    })
    expect(rebound).toMatch(/^HTTP\/1.1 421/)
    expect((await fetch(url, { headers: { 'x-allowance-token': token } })).status).toBe(200)
  })
})

describe('crash', () => {
  it('after kill -9 with payments requested, approved and accepted, a restart leaves a consistent ledger and bridges reconnect', async () => {
    const directory = await home()
    withLedger(directory, (db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream, operation: 'tools/call', target: 'cheap' }, recipient, unit: 'usd', amount: 10_000n, now: Date.now() }))
    const first = await startDaemon(directory)
    const client = companionClient(directory)
    const settled = (await paymentRequest(client, { target: 'cheap' }).result) as { paymentId: number }
    await client.request({ type: 'payment.outcome', paymentId: settled.paymentId, outcome: { status: 'accepted', receipt: { status: 'success', method: 'tempo', reference: '0x1' } } })
    const approved = (await paymentRequest(client, { target: 'cheap' }).result) as { paymentId: number }
    void paymentRequest(client, { target: 'expensive' }).result.catch(() => {})
    await waitingApprovals(first, 1)
    // The receipt's chain has no RPC endpoint here: the check cannot confirm it. The check waits
    // while a bridge holds a credential it has not reported on (the signed one), two seconds at most.
    await expect.poll(() => Object.values(states(directory)), { timeout: 5_000 }).toEqual(['unconfirmed', 'signed', 'requested'])

    await stop(first.process, 'SIGKILL')
    const second = await startDaemon(directory)
    expect(Object.keys(states(directory))).toHaveLength(3) // no row lost
    // Signed and handed over: money may have moved, so it is checked, and cannot be confirmed here either.
    await expect.poll(() => Object.values(states(directory))).toEqual(['unconfirmed', 'unconfirmed', 'declined'])
    expect(withLedger(directory, (db) => Payments.get(db, approved.paymentId))).toMatchObject({ state: 'unconfirmed', error: 'No RPC endpoint is configured for Base (chain 8453), so the payment cannot be checked.' })
    const reasons = withLedger(directory, (db) => Object.fromEntries(Payments.list(db).map((row) => [row.id, row.declineReason])))
    expect(Object.values(reasons)).toEqual([null, null, 'companion_restarted'])
    expect((await client.request<Status>({ type: 'status' })).pid).toBe(second.process.pid)
    client.close()
  })
})

describe('hostile input', () => {
  it('answers thousands of malformed socket messages and challenges with errors, approves and reserves nothing, and keeps running', async () => {
    const directory = await home()
    withLedger(directory, (db) => Rules.add(db, { kind: 'auto_approve', scope: {}, unit: 'usd', amount: 10n ** 30n, now: Date.now() }))
    const daemon = await startDaemon(directory)
    const lines = hostileLines(3000)
    const answers = await new Promise<string[]>((resolve) => {
      const socket = createConnection(Home.paths(directory).socket)
      const received: string[] = []
      let buffer = ''
      socket.setEncoding('utf8')
      socket.on('data', (chunk: string) => {
        buffer += chunk
        const parts = buffer.split('\n')
        buffer = parts.pop()!
        received.push(...parts)
        if (received.length >= lines.length) {
          socket.destroy()
          resolve(received)
        }
      })
      for (const line of lines) socket.write(`${line}\n`)
    })
    const parsed = answers.map((line) => JSON.parse(line))
    expect(parsed.filter((answer) => !(answer.ok === false || answer.result?.kind === 'declined'))).toEqual([])
    expect(parsed.every((answer) => answer.ok === false || answer.result?.kind === 'declined')).toBe(true)
    expect(parsed.filter((answer) => answer.ok === false && answer.error.code === 'internal')).toEqual([])
    const approved = withLedger(directory, (db) => Payments.list(db).filter((row) => Payments.reserving.includes(row.state)))
    expect(approved).toEqual([])
    expect((await daemon.api('GET', '/api/status')).body.pid).toBe(daemon.process.pid)
  })
})

describe('concurrent bridges', () => {
  it('8 bridge processes × 50 requests under an auto-approve rule and a budget for exactly 100: 100 approved, 300 over budget', async () => {
    const directory = await home()
    withLedger(directory, (db) => {
      const now = Date.now()
      Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient, unit: 'usd', amount: 10_000n, now })
      Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 1_000_000n, now }) // $1.00 = 100 × $0.01
      Settings.set(db, { loopBreaker: { count: 1000, seconds: 1 } })
    })
    await startDaemon(directory)
    const socket = Home.paths(directory).socket
    const runs = await Promise.all(
      Array.from({ length: 8 }, () =>
        new Promise<{ approved: number[]; declined: Record<string, number> }>((resolve, reject) => {
          const child = spawn(process.execPath, ['dist/fixtures/clients/payer.js', socket, '50', upstream, '10000', '1', 'evm'], { stdio: ['ignore', 'pipe', 'inherit'] })
          let out = ''
          child.stdout.on('data', (chunk) => (out += chunk))
          child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`payer exited ${code}`))))
        }),
      ),
    )
    const approved = runs.flatMap((run) => run.approved)
    const overBudget = runs.reduce((sum, run) => sum + (run.declined.budget_exceeded ?? 0), 0)
    expect(approved).toHaveLength(100)
    expect(new Set(approved).size).toBe(100)
    expect(overBudget).toBe(300)
    const spent = withLedger(directory, (db) =>
      Payments.list(db)
        .filter((row) => Payments.reserving.includes(row.state))
        .reduce((sum, row) => sum + row.details!.budgetAmount, 0n),
    )
    expect(spent).toBe(1_000_000n)
  })
})

/** Lines a confused or hostile local process might send: broken JSON, wrong shapes, bad challenges. */
function hostileLines(count: number): string[] {
  const request = (challenges: unknown, extra: Record<string, unknown> = {}) =>
    JSON.stringify({
      v: 2,
      id: Math.random(),
      type: 'payment.request',
      request: { host: { name: 'h' }, upstream, operation: 'tools/call', target: 't', challenges, call: 'c', ...extra },
    })
  const badChallenges: unknown[] = [
    tempoCharge({ amount: '0.01' }),
    tempoCharge({ amount: '-5' }),
    tempoCharge({ amount: '1e6' }),
    tempoCharge({ amount: '1'.repeat(90) }),
    tempoCharge({ amount: '0', request: { methodDetails: { chainId: 42431, splits: [{ amount: '1', recipient: '0x70997970c51812dC3a010c7d01b50E677c4f79C8' }] } } }),
    tempoCharge({ expires: '2001-01-01T00:00:00Z' }),
    tempoCharge({ expires: 'tomorrow' }),
    tempoCharge({ request: { currency: '0x0000000000000000000000000000000000000bad' } }),
    tempoCharge({ request: { recipient: 'not-an-address' } }),
    tempoCharge({ request: { methodDetails: { chainId: 1 } } }),
    tempoCharge({ request: { methodDetails: { chainId: 42431, splits: [{ amount: '10000', recipient: '0x70997970c51812dC3a010c7d01b50E677c4f79C8' }] } } }),
    { ...tempoCharge(), method: 'bitcoin' },
    { ...tempoCharge(), intent: 'session' },
    { ...tempoCharge(), request: 'eyJhbW91bnQiOiIxIn0' },
    { ...tempoCharge(), id: undefined },
    null,
    42,
    'challenge',
    [],
  ]
  const shapes = [
    '{',
    'not json at all',
    '[]',
    'null',
    '{"v":3,"id":1,"type":"status"}',
    '{"v":1,"id":1,"type":"payment.request","request":{"host":{"name":"h"},"upstream":"u","operation":"tools/call","target":"t","challenges":[{}]}}',
    '{"v":2,"type":"status"}',
    '{"v":2,"id":1,"type":"approve","paymentId":1}',
    '{"v":2,"id":1,"type":"payment.outcome","paymentId":999,"outcome":{"status":"accepted","receipt":{"status":"success","method":"tempo"}}}',
    '{"v":2,"id":1,"type":"payment.outcome","paymentId":1,"outcome":{"status":"failed","error":"lie","sent":false}}',
    '{"v":2,"id":1,"type":"payment.request","request":{"host":{"name":"h"},"upstream":"u","operation":"tools/call","target":"t","challenges":[],"call":"c"}}',
    '{"v":2,"id":1,"type":"payment.request","request":{"host":{"name":"h"},"upstream":"u","operation":"tools/call","target":"t","challenges":[{}]}}',
    request([tempoCharge()], { operation: 'rules/add' }),
    request([tempoCharge()], { rule: { auto: true } }),
    '\u0000\u0001\u0002',
  ]
  const lines: string[] = []
  for (let i = 0; i < count; i++) {
    if (i % 2 === 0) lines.push(shapes[i % shapes.length]!)
    else lines.push(request([badChallenges[i % badChallenges.length]]))
  }
  return lines
}
