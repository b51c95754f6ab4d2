// Subscriptions on anvil's Tempo mode, with mppx's real tempo subscription server (the paid
// server's `pro_plan`: 9.00 pathUSD every 30 days). Allowance shows the terms, only the human
// approves, and the wallet signs a key authorization for exactly those terms, which mppx verifies.
// Activation cannot complete on anvil 1.7.1: the server's transaction carrying that key
// authorization is refused ("Failed to decode transaction"), so the first charge never happens
// here and the ledger keeps the credential as sent (the server holds an authorization it could
// still use). Changed terms (a higher amount, a shorter period) ask again; no rule approves one.
import { concat, createClient, http, keccak256, pad, slice, toBytes, type Address } from 'viem'
import { generatePrivateKey } from 'viem/accounts'
import { Account as TempoAccount, Actions } from 'viem/tempo'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Settings from '../../main/ledger/Settings.js'
import * as Subscriptions from '../../main/ledger/Subscriptions.js'
import { openPage } from '../helpers/browser.js'
import { cli } from '../helpers/cli.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig
beforeAll(async () => void (rig = await startRig({ variant: 'tempo', server: { methods: ['tempo'] }, config: { tempoMode: 'push' } })), 120_000)
afterAll(() => rig?.stop())

const balance = () => rig.chain.balanceOf(pathUsd, accounts.payer.address)

/** Calls `pro_plan`; once its card shows, checks why it asks, then approves or declines it. */
async function subscribe(answer: 'approve' | 'decline', reasons: string[]) {
  const call = rig.client.callTool({ name: 'pro_plan', arguments: {} })
  const asked = await rig.pending()
  expect(asked.reasons).toEqual(reasons)
  const response = await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/${answer}`, {})
  expect(response.status).toBe(200)
  return { result: await call, asked }
}

describe('a server selling a subscription', () => {
  it('in the headless UI, the card shows the amount per period, the first charge now, the next dates and the end; it offers no lease or rule', async () => {
    const browser = await openPage(rig.daemon.ui)
    try {
      const call = rig.client.callTool({ name: 'pro_plan', arguments: {} })
      const card = browser.page.getByRole('region', { name: /asks to subscribe/ })
      await card.waitFor({ timeout: 10_000 })
      const shown = await card.innerText()
      expect(shown).toContain('9 pathUSD')
      expect(shown).toContain('every 30 days')
      expect(shown).toMatch(/Charges\s+now, then .+… until .+, unless you cancel it/)
      expect(shown).toContain('the server charges this amount every period until you cancel it')
      expect(shown).not.toMatch(/Allow for|Always allow/)
      await card.getByRole('button', { name: /Decline/ }).click()
      expect((await call).isError).toBe(true)
      expect((await rig.server.stats()).subscriptions).toEqual([])
    } finally {
      await browser.close()
    }
  })

  it('shows the terms and asks the human; approved, the wallet signs a key authorization for exactly those terms, which the server verifies', async () => {
    const before = await balance()
    const challenge = await rig.challenge('pro_plan')
    const call = rig.client.callTool({ name: 'pro_plan', arguments: {} })
    const asked = await rig.pending()
    expect(asked.reasons).toEqual(['subscription'])
    // The card's terms: 9 pathUSD every 30 days until the end the server named, paid to its recipient.
    const [card] = (await rig.daemon.api('GET', '/api/approvals')).body
    expect(card.payment).toMatchObject({ kind: 'subscription', intent: 'subscription', recipient: challenge.request.recipient, subscription: { periodCount: 30, periodUnit: 'day', periodSeconds: 30 * 86_400 } })
    expect(card.options[0].amount).toBe('9 pathUSD')
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    const failure = await call.then(() => undefined, (error: { code: number; message: string }) => error)
    // What the server received: one key authorization, for the terms it asked.
    const { subscriptions } = await rig.server.stats()
    expect(subscriptions).toHaveLength(1)
    expect(subscriptions[0]).toMatchObject({ payload: 'keyAuthorization', request: { amount: '9000000', periodCount: '30', periodUnit: 'day', recipient: challenge.request.recipient } })
    // On anvil the server cannot submit it: it answers with an internal error, and nothing moves.
    expect(failure).toMatchObject({ code: -32603, message: expect.stringContaining('An internal payment error occurred') })
    expect(await balance()).toBe(before)
    // The bridge reports the server's answer after answering the host.
    const reported = async () => {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
        const row = rig.rows().find((payment) => payment.id === asked.paymentId)!
        if (row.state !== 'signed') return row
      }
      throw new Error('the bridge never reported the outcome')
    }
    const row = await reported()
    expect(row).toMatchObject({ decidedBy: 'human', state: 'sent', details: { kind: 'subscription', intent: 'subscription', amountAtomic: 9_000_000n } })
    // The approved terms are kept: what later challenges from this server are held to.
    const terms = rig.ledger((db) => Subscriptions.inForce(db, rig.server.url, Date.now()))
    expect(terms).toMatchObject({ paymentId: asked.paymentId, amountAtomic: 9_000_000n, periodSeconds: 30 * 86_400, accessKey: challenge.request.methodDetails.accessKey.accessKeyAddress })
  })

  it('a higher amount asks again, saying so; declined, nothing is signed', async () => {
    await rig.server.setPlan({ amount: '12' })
    const sent = (await rig.server.stats()).subscriptions.length
    const { result } = await subscribe('decline', ['subscription', 'amount_increased'])
    expect(result.isError).toBe(true)
    expect((await rig.server.stats()).subscriptions).toHaveLength(sent)
  })

  it('hostile: a period that shrinks asks again even under an auto-approve rule for far more; declined, nothing is signed', async () => {
    rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000_000n, now: Date.now() }))
    await rig.server.setPlan({ amount: '9', periodCount: '7' })
    const sent = (await rig.server.stats()).subscriptions.length
    const before = await balance()
    const { result } = await subscribe('decline', ['subscription', 'period_shortened'])
    expect(result.isError).toBe(true)
    expect((await rig.server.stats()).subscriptions).toHaveLength(sent)
    expect(await balance()).toBe(before)
  })

  it('Rules & budgets lists it as not yet active (the server never took the first charge); Cancel ends it: the chain never authorized the key, and a later offer is not held to the cancelled terms', async () => {
    const [listed] = (await rig.daemon.api('GET', '/api/subscriptions')).body
    expect(listed).toMatchObject({ server: `127.0.0.1:${rig.server.port}`, amount: '9 pathUSD', period: 'every 30 days', state: 'activating', charges: 0, nextChargeAt: null, cancelledAt: null })
    const cancelled = await rig.daemon.api('POST', `/api/subscriptions/${listed.id}/cancel`)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.message).toContain('never authorized')
    expect((await rig.daemon.api('GET', '/api/subscriptions')).body[0]).toMatchObject({ state: 'cancelled', cancelledAt: expect.any(Number) })
    expect((await rig.daemon.api('POST', `/api/subscriptions/${listed.id}/cancel`)).status).toBe(404)
    // Rules & budgets shows it so, with no Cancel left to press.
    const browser = await openPage(rig.daemon.ui)
    try {
      await browser.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Rules & budgets', exact: true }).click()
      const row = browser.page.getByRole('table', { name: 'Subscriptions', exact: true }).getByRole('row').filter({ hasText: '9 pathUSD every 30 days' })
      await row.waitFor({ timeout: 5_000 })
      expect(await row.innerText()).toContain('Cancelled')
      expect(await row.getByRole('button', { name: /Cancel/ }).count()).toBe(0)
    } finally {
      await browser.close()
    }
    // The 7-day plan asked above is no longer compared with anything: it asks as a new subscription.
    const { result } = await subscribe('decline', ['subscription'])
    expect(result.isError).toBe(true)
  })

  it('Cancel revokes the server\'s access key on chain where the chain authorized it: the chain then marks it revoked', async () => {
    await rig.server.setPlan({ amount: '9', periodCount: '30' })
    const call = rig.client.callTool({ name: 'pro_plan', arguments: {} })
    const asked = await rig.pending()
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    await call.catch(() => undefined)
    const terms = rig.ledger((db) => Subscriptions.inForce(db, rig.server.url, Date.now()))!
    // What an activation would leave on chain, as far as anvil can carry it: the wallet's keychain
    // authorizes the server's access key (without the spending limit, which anvil drops).
    const wallet = createClient({ chain: rig.chain.viemChain, transport: http(rig.chain.rpcUrl), account: accounts.payer })
    const accessKey = terms.accessKey as Address
    await Actions.accessKey.authorizeSync(wallet, { accessKey: { accessKeyAddress: accessKey, keyType: 'secp256k1' }, expiry: Math.floor(terms.expiresAt / 1000) })
    expect(await Actions.accessKey.getMetadata(wallet, { accessKey })).toMatchObject({ address: expect.stringMatching(new RegExp(accessKey, 'i')), isRevoked: false })
    const cancelled = await rig.daemon.api('POST', `/api/subscriptions/${terms.id}/cancel`)
    expect(cancelled.status).toBe(200)
    expect(cancelled.body.message).toContain("revoked the server's access key on chain")
    expect(await Actions.accessKey.getMetadata(wallet, { accessKey })).toMatchObject({ isRevoked: true })
  })
})

// A renewal is a transfer the server makes from the wallet's account with the access key the wallet
// authorized; Allowance signs nothing and learns of it from the chain. Anvil cannot carry mppx's
// activation (above), so here the test plays the server: it holds the access key the challenge
// names, the wallet's keychain authorizes it on chain (without the spending limit anvil drops), and
// the key makes the charges mppx's server would make, with its memos. What Allowance does with
// them is real: the rows, the budget, the terms check, the revocation.
describe('renewals, as the chain shows them', () => {
  it('each charge the server makes is a History row counted in the budget; one within a period is flagged; after Cancel the key can charge nothing', async () => {
    rig.ledger((db) => Settings.set(db, { rechallenge: 'decline' }))
    const budget = rig.ledger((db) => Budgets.add(db, { period: 'day', scope: { upstream: rig.server.url }, unit: 'usd', amount: 100_000_000n, now: Date.now() }))
    const usedBefore = rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)
    const serverKey = TempoAccount.fromSecp256k1(generatePrivateKey(), { access: accounts.payer.address })
    const real = await rig.challenge('pro_plan')
    const terms = { amount: '1000000', periodCount: '3', periodUnit: 'dev_second' }
    const accessKey = { accessKeyAddress: serverKey.accessKeyAddress.toLowerCase(), keyType: 'secp256k1' }
    const offered = { ...real, request: { ...real.request, ...terms, methodDetails: { ...real.request.methodDetails, accessKey } } }
    await rig.server.answerNext({ data: { challenges: [offered] } })
    const call = rig.client.callTool({ name: 'pro_plan', arguments: {} })
    const asked = await rig.pending()
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    await call.catch(() => undefined)
    const subscription = rig.ledger((db) => Subscriptions.inForce(db, rig.server.url, Date.now()))!
    expect(subscription).toMatchObject({ paymentId: asked.paymentId, accessKey: serverKey.accessKeyAddress.toLowerCase(), periodSeconds: 3 })

    // The server's side: its key authorized by the wallet's keychain, then its charges.
    const wallet = createClient({ chain: rig.chain.viemChain, transport: http(rig.chain.rpcUrl), account: accounts.payer })
    await Actions.accessKey.authorizeSync(wallet, { accessKey: serverKey, expiry: Math.floor(subscription.expiresAt / 1000) })
    const server = createClient({ chain: rig.chain.viemChain, transport: http(rig.chain.rpcUrl), account: serverKey })
    const memo = (reference: string) => concat([pad('0x', { size: 25 }), slice(keccak256(toBytes(reference)), 0, 7)])
    const charge = async (reference: string) => (await Actions.token.transferSync(server, { token: pathUsd, to: accounts.recipient.address, amount: 1_000_000n, memo: memo(reference) })).receipt
    const before = await balance()
    const first = await charge(real.id) // the first charge, bound to the approved challenge
    // The settlement checks find it by its memo: the approved row is confirmed.
    expect(await rig.outcome(asked.paymentId)).toMatchObject({ state: 'confirmed', settledAmountAtomic: 1_000_000n })
    // One period later in chain time, which the companion measures charges by (a block can run ahead of this machine's clock).
    const firstAt = (await rig.chain.client.getBlock({ blockNumber: first.blockNumber })).timestamp
    await rig.chain.client.request({ method: 'evm_setNextBlockTimestamp', params: [Number(firstAt) + 3] } as never)
    const renewal = await charge('renewal:1')
    const listed = () => rig.daemon.api('GET', '/api/subscriptions').then(({ body }) => body.find((row: { id: number }) => row.id === subscription.id))
    // The list answers from the ledger at once and looks on chain behind it: the renewal shows on a later look.
    await expect.poll(listed, { timeout: 15_000 }).toMatchObject({ state: 'active', charges: 2, period: 'every 3 seconds (a test unit)', nextChargeAt: expect.any(Number) })
    const inCli = JSON.parse((await cli(rig.home, ['subscriptions', 'list', '--json'])).stdout)
    expect(inCli.find((row: { id: number }) => row.id === subscription.id)).toMatchObject({ state: 'active', charges: 2, amount: '1 pathUSD' })
    const row = rig.ledger((db) => Payments.byTransaction(db, renewal.transactionHash))!
    expect(row).toMatchObject({ state: 'confirmed', decidedBy: `subscription:${subscription.id}`, error: null, details: { kind: 'subscription', amountAtomic: 1_000_000n } })
    // The budget counts both charges, fees included, to the atomic unit of what left the wallet.
    const spent = before - (await balance())
    expect(spent).toBe(2_000_000n)
    const charged = rig.rows().filter((payment) => payment.id === asked.paymentId || payment.decidedBy === `subscription:${subscription.id}`)
    expect(rig.ledger((db) => Budgets.usage(db, budget, new Date()).used) - usedBefore).toBe(charged.reduce((sum, payment) => sum + payment.details!.budgetAmount, 0n))
    expect(charged.every((payment) => payment.details!.budgetAmount >= 1_000_000n)).toBe(true)

    // A second charge within the same period breaks the terms: recorded, and said so.
    const early = await charge('renewal:1-again')
    await expect.poll(listed, { timeout: 15_000 }).toMatchObject({ charges: 3 })
    expect(rig.ledger((db) => Payments.byTransaction(db, early.transactionHash))).toMatchObject({ state: 'confirmed', error: expect.stringContaining('before the period you approved had passed') })
    const { body: history } = await rig.daemon.api('GET', `/api/history/${rig.ledger((db) => Payments.byTransaction(db, early.transactionHash))!.id}`)
    expect(history).toMatchObject({ decidedBy: 'your subscription', warning: expect.stringContaining('before the period') })

    // Cancel: the wallet revokes the key; the server can charge no more.
    const cancelled = await rig.daemon.api('POST', `/api/subscriptions/${subscription.id}/cancel`)
    expect(cancelled.body.message).toContain("revoked the server's access key on chain")
    const after = await balance()
    await expect(charge('renewal:2')).rejects.toThrow()
    expect(await balance()).toBe(after)
  })
})
