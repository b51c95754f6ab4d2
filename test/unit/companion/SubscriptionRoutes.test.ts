// Rules & budgets' subscriptions, as the page asks for them: listed from the ledger at once, while
// the servers' new charges are looked up on chain behind the answer.
import { writeFileSync } from 'node:fs'
import { createServer, type IncomingMessage } from 'node:http'
import type { AddressInfo } from 'node:net'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Engine from '../../../main/approvals/Engine.js'
import { Companion } from '../../../main/companion/Companion.js'
import * as UiApi from '../../../main/companion/UiApi.js'
import * as Subscriptions from '../../../main/ledger/Subscriptions.js'
import type { Logger } from '../../../main/shared/Log.js'
import * as Home from '../../../main/shared/Home.js'
import { temporaryHome } from '../../helpers/processes.js'
import { fileWallet } from '../../helpers/wallet.js'
import * as challenges from '../payments/challenges.js'

const home = temporaryHome()
const log = { debug() {}, info() {}, warn() {}, error() {}, close: async () => {} } as Logger
const upstream = 'https://tools.example.com/mcp'
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

/** A 9 pathUSD a month subscription, asked for by a server and approved by the human, its first charge not yet seen on chain. */
function approvedSubscription(now: Date): Subscriptions.Subscription {
  const { db, registry } = companion
  const request = { host: 'Cursor', upstream, operation: 'tools/call' as const, target: 'pro_plan', challenges: [challenges.tempoSubscription(now)] }
  const asked = Engine.decide(db, request, { now, registry })
  if (asked.kind !== 'ask') throw new Error(`a subscription asks the human, not: ${asked.kind}`)
  Engine.answer(db, asked.paymentId, { approve: true }, { now, registry, alternatives: asked.options.alternatives })
  return Subscriptions.inForce(db, upstream, now.getTime())!
}

describe('subscriptions', () => {
  it('are listed from the ledger at once: a node that never answers the look for new charges holds up nothing', async () => {
    const subscription = approvedSubscription(new Date())
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
