// Subscriptions on anvil's Tempo mode, with mppx's real tempo subscription server (the paid
// server's `pro_plan`: 9.00 pathUSD every 30 days). Allowance shows the terms, only the human
// approves, and the wallet signs a key authorization for exactly those terms, which mppx verifies.
// Activation cannot complete on anvil 1.7.1: the server's transaction carrying that key
// authorization is refused ("Failed to decode transaction"), so the first charge never happens
// here and the ledger keeps the credential as sent (the server holds an authorization it could
// still use). Changed terms (a higher amount, a shorter period) ask again; no rule approves one.
import { createClient, http, type Address } from 'viem'
import { Actions } from 'viem/tempo'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Rules from '../../main/ledger/Rules.js'
import * as Subscriptions from '../../main/ledger/Subscriptions.js'
import { openPage } from '../helpers/browser.js'
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
    const row = rig.rows().find((payment) => payment.id === asked.paymentId)!
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
