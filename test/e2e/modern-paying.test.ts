// Paying a server on the MCP 2026-07-28 revision end to end: an SDK v1 host → the built bridge →
// the SDK v2 test server in modern-only mode, whose challenges travel in a result's `_meta` (a
// thrown -32042 cannot cross that era), settling on anvil, with the companion deciding and signing.
// Every kind of approval pays exactly once, and the chain agrees; input and payment compose.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ElicitRequestSchema, type CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Leases from '../../main/ledger/Leases.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import type * as Scope from '../../main/ledger/Scope.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { accounts, keys, sellerEnv, startChain, writeConfig, type LocalChain } from '../helpers/chain.js'
import { startDaemon, withLedger, type Daemon } from '../helpers/companion.js'
import { stopAll, temporaryHome } from '../helpers/processes.js'
import { modernServer, modernStats, type RunningServer } from '../helpers/servers.js'

let chain: LocalChain
let server: RunningServer
let daemon: Daemon
let client: Client
const home = temporaryHome()
const names: string[] = []

beforeAll(async () => {
  chain = await startChain()
  server = await modernServer('modern', {
    ...sellerEnv(chain, 'modern-paying-test-secret-key-of-at-least-32-bytes'),
    REALM: 'modern.test.local',
  })
  writeConfig(home.home, chain)
  await Wallet.importKey(home.home, keys.payer)
  daemon = await startDaemon(home.home)
  ;({ client } = await hostWithBridge([server.url], home.home, { capabilities: { elicitation: { form: {} } } }))
  client.setRequestHandler(ElicitRequestSchema, async () => {
    names.push('asked')
    return { action: 'accept', content: { name: 'Ada' } }
  })
}, 120_000)

afterAll(async () => {
  await client?.close()
  await stopAll()
  home.remove()
})

const payer = () => chain.balanceOf(chain.token, accounts.payer.address)
const transfers = () => chain.transfersFrom(chain.token, accounts.payer.address)
const ledger = <T>(use: Parameters<typeof withLedger<T>>[1]) => withLedger(home.home, use)
const paymentOf = (result: CallToolResult) => result._meta?.['allowance/payment'] as { status: string; paymentId: number; reason?: string }
const textOf = (result: CallToolResult) => result.content.map((block) => (block.type === 'text' ? block.text : '')).join('')
const call = (name: string, args: Record<string, unknown> = {}) => client.callTool({ name, arguments: args }) as Promise<CallToolResult>

async function confirmed(paymentId: number): Promise<Payments.Row> {
  await expect.poll(() => ledger((db) => Payments.get(db, paymentId)?.state), { timeout: 15_000 }).toBe('confirmed')
  return ledger((db) => Payments.get(db, paymentId))!
}

/** Pays `paid_search` once under whatever approval is in force; checks what the server, the chain and the ledger say. */
async function paysOnce(approve?: () => Promise<void>): Promise<Payments.Row> {
  const [balance, sent, credentials] = [await payer(), (await transfers()).length, (await modernStats(server)).credentials.paid_search ?? 0]
  const pending = call('paid_search', { query: 'modern' })
  await approve?.()
  const result = await pending
  expect(result.isError).toBeFalsy()
  expect(textOf(result)).toContain('modern')
  expect(paymentOf(result)).toMatchObject({ status: 'accepted' })
  const row = await confirmed(paymentOf(result).paymentId)
  expect(await payer()).toBe(balance - 10_000n)
  expect(await transfers()).toHaveLength(sent + 1)
  expect((await modernStats(server)).credentials.paid_search).toBe(credentials + 1)
  return row
}

describe('one payment per approval, on the modern era', () => {
  // A rule naming the server comes first: a never-paid server asks a human whatever else covers it.
  const scopes: [string, () => Scope.Scope][] = [
    ['the server', () => ({ upstream: server.url })],
    ['the tool', () => ({ upstream: server.url, operation: 'tools/call', target: 'paid_search' })],
    ['everything', () => ({})],
  ]

  it.each(scopes)('a rule scoped to %s', async (_name, scope) => {
    const rule = ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: scope(), recipient: accounts.recipient.address, unit: 'usd', amount: 50_000n, now: Date.now() }))
    try {
      expect((await paysOnce()).decidedBy).toBe(`rule:${rule.id}`)
    } finally {
      ledger((db) => Rules.remove(db, rule.id, Date.now()))
    }
  })

  it('a lease', async () => {
    // The first payment to a recipient asks a human unless a rule names it: a recipient rule, too small to pay alone.
    const trust = ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1n, now: Date.now() }))
    const now = Date.now()
    const lease = ledger((db) => Leases.add(db, { scope: { upstream: server.url }, unit: 'usd', amount: 1_000_000n, expiresAt: now + 600_000, now }))
    try {
      expect((await paysOnce()).decidedBy).toBe(`lease:${lease.id}`)
    } finally {
      ledger((db) => {
        Leases.revoke(db, lease.id, Date.now())
        Rules.remove(db, trust.id, Date.now())
      })
    }
  })

  it("a human's click on Pay once", async () => {
    const row = await paysOnce(async () => {
      let pending: { paymentId: number }[] = []
      await expect.poll(async () => (pending = (await daemon.api('GET', '/api/approvals')).body).length, { timeout: 10_000 }).toBeGreaterThan(0)
      const answer = await daemon.api('POST', `/api/approvals/${pending[0]!.paymentId}/approve`, { option: 'once' })
      expect(answer.status).toBe(200)
    })
    expect(row.decidedBy).toBe('human')
  })
})

describe('input and payment compose on the modern era', () => {
  it('a tool that asks a name, then payment: the host is asked once, the server is paid once, the answer names the input', async () => {
    const rule = ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 50_000n, now: Date.now() }))
    try {
      const [balance, asked, credentials] = [await payer(), names.length, (await modernStats(server)).credentials.paid_ask ?? 0]
      const result = await call('paid_ask')
      expect(textOf(result)).toBe('Paid answer for Ada')
      expect(names.length - asked).toBe(1)
      await confirmed(paymentOf(result).paymentId)
      expect(await payer()).toBe(balance - 20_000n)
      expect((await modernStats(server)).credentials.paid_ask).toBe(credentials + 1)
    } finally {
      ledger((db) => Rules.remove(db, rule.id, Date.now()))
    }
  })

  it('a -32042 thrown on the modern era arrives as the -32603 the SDK makes of it: nothing is asked, signed or paid', async () => {
    const rule = ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: {}, recipient: accounts.recipient.address, unit: 'usd', amount: 50_000n, now: Date.now() }))
    try {
      const [balance, rows] = [await payer(), ledger((db) => Payments.list(db)).length]
      const error = await call('paid_throws').then(() => undefined, (caught: { code?: number }) => caught)
      expect(error?.code).toBe(-32603)
      expect(ledger((db) => Payments.list(db))).toHaveLength(rows)
      expect(await payer()).toBe(balance)
    } finally {
      ledger((db) => Rules.remove(db, rule.id, Date.now()))
    }
  })
})
