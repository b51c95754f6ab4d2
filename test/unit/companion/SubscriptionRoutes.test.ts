// Rules & budgets' subscriptions, as the page asks for them: listed from the ledger at once, while
// the servers' new charges are looked up on chain behind the answer.
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { Companion } from '../../../main/companion/Companion.js'
import * as UiApi from '../../../main/companion/UiApi.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Subscriptions from '../../../main/ledger/Subscriptions.js'
import type { Logger } from '../../../main/shared/Log.js'
import * as Home from '../../../main/shared/Home.js'
import { temporaryHome } from '../../helpers/processes.js'
import { fileWallet } from '../../helpers/wallet.js'

const home = temporaryHome()
const log = { debug() {}, info() {}, warn() {}, error() {}, close: async () => {} } as Logger
const upstream = 'https://tools.example.com/mcp'
const pathUsd = '0x20c0000000000000000000000000000000000000'
const recipient = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
/** Tempo's node: it takes each request and answers none, until the suite ends. */
const stalled: IncomingMessage[] = []
const node = createServer((request) => void stalled.push(request))
let companion: Companion
let api: UiApi.UiApi

beforeAll(async () => {
  await fileWallet(home.home)
  await new Promise<void>((resolve) => node.listen(0, '127.0.0.1', resolve))
  writeFileSync(Home.paths(home.home).config, JSON.stringify({ rpc: { 42431: `http://127.0.0.1:${(node.address() as AddressInfo).port}/` } }))
  companion = Companion.open(home.home, log)
  api = UiApi.create(companion, log)
})

afterAll(() => {
  api.close()
  companion.close()
  node.closeAllConnections()
  node.close()
  home.remove()
})

/** A 9 pathUSD a month subscription the human approved, its first charge not yet seen on chain. */
function approvedSubscription(now: number): Subscriptions.Subscription {
  const details: Payments.Details = {
    kind: 'subscription',
    realm: 'tools.example.com',
    challengeId: 'plan-1',
    method: 'tempo',
    protocol: 'mpp',
    intent: 'subscription',
    scheme: null,
    amountAtomic: 9_000_000n,
    currency: pathUsd,
    decimals: 6,
    symbol: 'pathUSD',
    recipient,
    chainId: 42431,
    budgetUnit: 'usd',
    budgetAmount: 9_000_000n,
    flags: [],
    description: null,
  }
  const { db } = companion
  const context = { host: 'Cursor', upstream, operation: 'tools/call' as const, target: 'pro_plan' }
  const paymentId = Payments.insert(db, { now, state: 'approved', context, argumentsHash: 'hash', details, decision: 'approved', decidedBy: 'human' })
  const terms = { periodCount: 30, periodUnit: 'day', periodSeconds: 30 * 86_400, expiresAt: now + 365 * 86_400_000 }
  return Subscriptions.add(db, { paymentId, upstream, recipient, currency: `42431:${pathUsd}`, amountAtomic: 9_000_000n, ...terms, accessKey: recipient, createdAt: now })
}

describe('subscriptions', () => {
  it('are listed from the ledger at once: a node that never answers the look for new charges holds up nothing', async () => {
    const subscription = approvedSubscription(Date.now())
    let answered = false
    const listing = api.handle({ method: 'GET', path: '/api/subscriptions' }).finally(() => (answered = true))
    await expect.poll(() => stalled.length, { timeout: 10_000 }).toBeGreaterThan(0)
    // The node has the look and has not answered it: the list came anyway.
    expect(answered).toBe(true)
    const reply = await listing
    expect(reply.status).toBe(200)
    expect(JSON.parse(reply.json)).toEqual([expect.objectContaining({ id: subscription.id, amount: '9 pathUSD', period: 'every 30 days', charges: 0 })])
  })
})
