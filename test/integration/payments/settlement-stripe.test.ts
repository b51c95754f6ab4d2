// What a card payment really took: the companion revokes the Shared Payment Token and reads its
// `amount_captured` back from Stripe (the stand-in, through the real SDK), whatever the seller
// said. First against the stand-in alone, then against the paid test server cheating a card:
// keeping a refused token, capturing less, receipting nothing, and declining at charge time.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpError } from '@modelcontextprotocol/sdk/types.js'
import type Stripe from 'stripe'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as LocalChainModule from '../../../main/demo/LocalChain.js'
import * as Challenge from '../../../main/payments/Challenge.js'
import * as StripeSettlement from '../../../main/payments/methods/stripe/Settlement.js'
import * as SharedPaymentToken from '../../../main/payments/SharedPaymentToken.js'
import * as Signer from '../../../main/payments/Signer.js'
import * as StripeApi from '../../../main/payments/StripeApi.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import * as StandIn from '../../fixtures/stripe/standIn.js'
import { accounts, startChain, startPaidServer, type LocalChain, type PaidServer } from '../../helpers/chain.js'
import { stopAll } from '../../helpers/processes.js'

let stripe: StandIn.StandIn
beforeAll(async () => void (stripe = await StandIn.start()))
afterAll(async () => {
  await stopAll()
  await stripe?.close()
})

const client = (key: string) => StripeApi.client(key, { apiBase: stripe.url })
const payer = { test: () => client(StandIn.keys.payer), live: () => client(StandIn.keys.payerLive) }

/** A token for `amount` cents of the visa card (or `paymentMethod`), issued as the companion does. */
function issue(mode: StripeApi.Mode, amount: number, options: { expiresAt?: number; paymentMethod?: string } = {}): Promise<string> {
  return SharedPaymentToken.issue(payer[mode](), {
    mode,
    paymentMethod: options.paymentMethod ?? StandIn.cards.visa.id,
    amount: String(amount),
    currency: 'usd',
    expiresAt: options.expiresAt ?? Math.floor(Date.now() / 1000) + 300,
    networkId: 'internal',
    challengeId: `challenge-${Math.random()}`,
  })
}

/** The seller confirming a PaymentIntent with the token, as mppx's stripe charge does. */
function capture(token: string, amount: number): Promise<Stripe.PaymentIntent> {
  const params = { amount, currency: 'usd', confirm: true, automatic_payment_methods: { enabled: true, allow_redirects: 'never' as const }, shared_payment_granted_token: token }
  return client(StandIn.keys.seller).paymentIntents.create(params, { apiVersion: StripeApi.previewVersion })
}

const settle = (mode: StripeApi.Mode, token: string) => StripeSettlement.settle(payer[mode](), { mode, token, currency: 'usd' })
const recorded = (token: string) => stripe.tokens.find((candidate) => candidate.id === token)!

describe('settle: revoke the token, then read what was captured', () => {
  it('a token captured in full: consumed, so the revoke is refused, and the reading says the full amount', async () => {
    const token = await issue('test', 100)
    await capture(token, 100)
    const before = stripe.requests.length
    expect(await settle('test', token)).toEqual({ status: 'captured', amount: 100n, currency: 'usd' })
    const [revoke, read] = stripe.requests.slice(before)
    expect(revoke).toMatchObject({ method: 'POST', path: `/v1/test_helpers/shared_payment/granted_tokens/${token}/revoke`, as: 'payer', stripeVersion: StandIn.previewVersion })
    expect(revoke!.idempotencyKey).toMatch(/^allowance-spt-revoke-[0-9a-f]{64}$/)
    expect(revoke!.idempotencyKey).not.toContain(token)
    expect(read).toMatchObject({ method: 'GET', path: `/v1/shared_payment/granted_tokens/${token}` })
    expect(recorded(token)).toMatchObject({ status: 'consumed', deactivatedReason: 'consumed', amountCaptured: 100 })
  })

  it('a token captured below its limit: revoked with what was captured, and the rest can no longer be taken', async () => {
    const token = await issue('test', 100)
    await capture(token, 50)
    expect(await settle('test', token)).toEqual({ status: 'captured', amount: 50n, currency: 'usd' })
    expect(recorded(token)).toMatchObject({ status: 'revoked', amountCaptured: 50 })
    await expect(capture(token, 50)).rejects.toMatchObject({ type: 'StripeInvalidRequestError', code: 'shared_payment_token_revoked' })
    expect(await settle('test', token)).toEqual({ status: 'captured', amount: 50n, currency: 'usd' })
  })

  it('a token never captured: revoked, nothing moved', async () => {
    const token = await issue('test', 100)
    expect(await settle('test', token)).toEqual({ status: 'nothing_captured' })
    expect(recorded(token)).toMatchObject({ status: 'revoked', deactivatedReason: 'revoked', amountCaptured: 0 })
  })

  it('a seller capturing after the revocation fails, and the amount stays 0', async () => {
    const token = await issue('test', 100)
    expect(await settle('test', token)).toEqual({ status: 'nothing_captured' })
    await expect(capture(token, 100)).rejects.toMatchObject({ statusCode: 400, code: 'shared_payment_token_revoked' })
    expect(recorded(token).amountCaptured).toBe(0)
    expect(stripe.paymentIntents.some((intent) => intent.token === token)).toBe(false)
    // Settling again (a retry) is the same revocation and the same verdict.
    expect(await settle('test', token)).toEqual({ status: 'nothing_captured' })
  })

  it('a token that expired unused cannot be revoked either: nothing moved', async () => {
    const token = await issue('test', 100, { expiresAt: Math.floor(Date.now() / 1000) - 10 })
    expect(await settle('test', token)).toEqual({ status: 'nothing_captured' })
    expect(recorded(token)).toMatchObject({ deactivatedReason: 'expired', amountCaptured: 0 })
  })

  it('live mode: the issued-token endpoints, with the key that issued it', async () => {
    const token = await issue('live', 100)
    const before = stripe.requests.length
    expect(await settle('live', token)).toEqual({ status: 'nothing_captured' })
    expect(stripe.requests.slice(before).map(({ method, path, as }) => ({ method, path, as }))).toEqual([
      { method: 'POST', path: `/v1/shared_payment/issued_tokens/${token}/revoke`, as: 'payerLive' },
      { method: 'GET', path: `/v1/shared_payment/issued_tokens/${token}`, as: 'payerLive' },
    ])
    expect(recorded(token)).toMatchObject({ status: 'revoked', amountCaptured: 0 })
    await expect(capture(token, 100)).rejects.toMatchObject({ code: 'shared_payment_token_revoked' })
  })

  it('live mode, captured below the limit', async () => {
    const token = await issue('live', 80)
    await capture(token, 60)
    expect(await settle('live', token)).toEqual({ status: 'captured', amount: 60n, currency: 'usd' })
    expect(recorded(token)).toMatchObject({ status: 'revoked', amountCaptured: 60 })
  })

  it('Stripe unreachable: unknown, with the reason and without the token', async () => {
    const token = await issue('test', 100)
    stripe.unreachable = true
    try {
      const verdict = await settle('test', token)
      expect(verdict).toEqual({ status: 'unknown', problem: 'Stripe could not be reached (Stripe: api_connection_error)' })
    } finally {
      stripe.unreachable = false
    }
    expect(recorded(token).status).toBe('active')
    expect(await settle('test', token)).toEqual({ status: 'nothing_captured' })
  })

  it('an expired key: unknown, with the clause to fix it', async () => {
    const token = await issue('test', 100)
    stripe.keyStatus.payer = 'expired'
    try {
      expect(await settle('test', token)).toEqual({ status: 'unknown', problem: 'the Stripe key has expired; add a new one with `allowance card add` (Stripe: api_key_expired)' })
    } finally {
      delete stripe.keyStatus.payer
    }
  })

  it('a token Stripe does not know in this mode: unknown, and Stripe quoting the id does not leak it', async () => {
    const token = await issue('live', 100)
    const verdict = await settle('test', token)
    expect(verdict.status).toBe('unknown')
    const { problem } = verdict as { problem: string }
    expect(problem).toMatch(/^Stripe refused: No such shared payment token: 'spt_…'; a similar object exists in live mode, but a test mode key was used/)
    expect(problem).not.toContain(token)
    expect(problem).not.toMatch(/spt_(test|live)_/)
  })
})

describe('a paid server cheating a card', () => {
  let chain: LocalChain
  let server: PaidServer
  let mcp: Client
  const registry = () => TokenRegistry.create({ tokens: [LocalChainModule.tokenEntry(chain)] })
  const credentialKey = 'org.paymentauth/credential'
  const receiptKey = 'org.paymentauth/receipt'

  beforeAll(async () => {
    chain = await startChain()
    server = await startPaidServer(chain, { methods: ['stripe', 'evm'], stripe: { apiBase: stripe.url, secretKey: StandIn.keys.seller } })
    mcp = new Client({ name: 'settlement-test', version: '1.0.0' })
    await mcp.connect(new StreamableHTTPClientTransport(new URL(server.url)))
  }, 60_000)
  afterAll(async () => {
    await mcp?.close()
    await Promise.all([server?.stop(), chain?.stop()])
  })

  /** The server's challenge for `tool` in `method`, validated as the companion does. */
  async function challengeFor(tool: string, method: 'stripe' | 'evm') {
    const error = await mcp.callTool({ name: tool, arguments: {} }).then(
      () => undefined,
      (caught: unknown) => caught,
    )
    expect(error).toBeInstanceOf(McpError)
    const challenge = (error as McpError & { data: { challenges: { method: string }[] } }).data.challenges.find((candidate) => candidate.method === method)
    const validated = Challenge.validate(challenge, { now: new Date(), registry: registry() })
    if (!validated.ok) throw new Error(validated.message)
    return { challenge, payment: validated.payment }
  }

  /** Pays `tool` as the companion would (a token for the challenge, or an evm authorization) and answers the server's reply. */
  async function pay(tool: string, options: { method?: 'stripe' | 'evm'; paymentMethod?: string } = {}) {
    const method = options.method ?? 'stripe'
    const { challenge, payment } = await challengeFor(tool, method)
    const card = { client: payer.test(), mode: 'test' as const, paymentMethod: options.paymentMethod ?? StandIn.cards.visa.id }
    const { credential } = await Signer.sign({ challenge, payment, card, account: accounts.payer })
    const spt = (credential.payload as { spt?: string }).spt
    const answer = await mcp.callTool({ name: tool, arguments: {}, _meta: { [credentialKey]: credential } }).then(
      (result) => ({ result, error: undefined }),
      (error: McpError) => ({ result: undefined, error: error as McpError & { data?: { challenges?: unknown[]; problem?: { detail?: string } } } }),
    )
    return { ...answer, spt: spt!, challengeId: payment.challengeId, receipt: answer.result?._meta?.[receiptKey] as { method: string; status: string; reference: string; challengeId: string } | undefined }
  }

  it('an honest card payment: what Stripe says was captured is the challenge amount and the receipt’s PaymentIntent', async () => {
    const paid = await pay('premium_report')
    expect(paid.receipt).toMatchObject({ status: 'success', method: 'stripe', challengeId: paid.challengeId })
    const intent = stripe.paymentIntents.find((candidate) => candidate.id === paid.receipt!.reference)!
    expect(intent).toMatchObject({ amount: 25, token: paid.spt })
    expect(await settle('test', paid.spt)).toEqual({ status: 'captured', amount: 25n, currency: 'usd' })
  })

  it('refuse-and-keep, charged later: the refusal moved money, which only the token’s reading shows', async () => {
    await server.arm('refuse-and-keep')
    const refused = await pay('premium_report')
    expect(refused.error).toMatchObject({ code: -32043 })
    // A fresh challenge for each method, as a refusal must carry.
    expect(refused.error!.data?.challenges?.map((challenge) => (challenge as { method: string }).method)).toEqual(['stripe', 'evm'])
    expect(await server.chargeKept()).toEqual([{ ok: true, amount: 25 }])
    expect(recorded(refused.spt).amountCaptured).toBe(25)
    expect(await settle('test', refused.spt)).toEqual({ status: 'captured', amount: 25n, currency: 'usd' })
  })

  it('refuse-and-keep, settled at once: the revoked token can no longer be charged', async () => {
    await server.arm('refuse-and-keep')
    const refused = await pay('premium_report')
    expect(refused.error).toMatchObject({ code: -32043 })
    expect(await settle('test', refused.spt)).toEqual({ status: 'nothing_captured' })
    const [attempt] = await server.chargeKept()
    expect(attempt).toEqual({ ok: false, error: 'This shared payment token has been revoked.' })
    expect(recorded(refused.spt).amountCaptured).toBe(0)
    expect(await settle('test', refused.spt)).toEqual({ status: 'nothing_captured' })
  })

  it('capture-less: a normal receipt for a PaymentIntent of half the amount, and the reading says half', async () => {
    await server.arm('capture-less')
    const paid = await pay('expensive')
    expect(paid.receipt).toMatchObject({ status: 'success', method: 'stripe', challengeId: paid.challengeId, reference: expect.stringMatching(/^pi_/) })
    const intent = stripe.paymentIntents.find((candidate) => candidate.id === paid.receipt!.reference)!
    expect(intent).toMatchObject({ amount: 250, token: paid.spt })
    expect(await settle('test', paid.spt)).toEqual({ status: 'captured', amount: BigInt(intent.amount), currency: 'usd' })
    expect(recorded(paid.spt)).toMatchObject({ status: 'revoked', amountCaptured: 250 })
  })

  it('fake-receipt by card: a success receipt naming a PaymentIntent Stripe never made, and nothing captured', async () => {
    await server.arm('fake-receipt')
    const intents = stripe.paymentIntents.length
    const paid = await pay('search')
    expect(paid.receipt).toEqual({ status: 'success', method: 'stripe', challengeId: paid.challengeId, reference: expect.stringMatching(/^pi_[0-9a-f]{24}$/), timestamp: expect.any(String) })
    expect(stripe.paymentIntents).toHaveLength(intents)
    expect(await settle('test', paid.spt)).toEqual({ status: 'nothing_captured' })
  })

  it('fake-receipt by wallet: a made-up transaction hash, and no transfer', async () => {
    await server.arm('fake-receipt')
    const transfers = (await chain.transfersFrom(chain.token, accounts.payer.address)).length
    const paid = await pay('search', { method: 'evm' })
    expect(paid.receipt).toMatchObject({ status: 'success', method: 'evm', challengeId: paid.challengeId, reference: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
    expect(await chain.transfersFrom(chain.token, accounts.payer.address)).toHaveLength(transfers)
    await expect(chain.client.getTransactionReceipt({ hash: paid.receipt!.reference as `0x${string}` })).rejects.toThrow()
  })

  describe('a card declined at charge time: the token issues, mppx answers -32043, nothing is captured', () => {
    const cases = [
      { card: StandIn.cards.insufficientFunds, clause: 'the card was declined (insufficient funds)' },
      { card: StandIn.cards.expired, clause: 'the card has expired' },
      { card: StandIn.cards.authenticationRequired, clause: 'the card needs authentication (3-D Secure)' },
    ]
    it.each(cases)('$card.id', async ({ card, clause }) => {
      const refused = await pay('search', { paymentMethod: card.id })
      expect(refused.error).toMatchObject({ code: -32043 })
      const detail = refused.error!.data!.problem!.detail
      expect(detail).toBe(`Payment verification failed: Stripe PaymentIntent failed: ${card.chargeFailure.message}.`)
      expect(StripeSettlement.cardFailure(detail)).toBe(clause)
      expect(await settle('test', refused.spt)).toEqual({ status: 'nothing_captured' })
    })
  })
})

describe('cardFailure', () => {
  it('is undefined for what is not a card failure', () => {
    expect(StripeSettlement.cardFailure(undefined)).toBeUndefined()
    expect(StripeSettlement.cardFailure('The test server refused this credential.')).toBeUndefined()
    expect(StripeSettlement.cardFailure('Payment verification failed: Stripe PaymentIntent failed: This shared payment token has expired..')).toBeUndefined()
  })

  it("reads a plain decline, and mppx's words for a PaymentIntent that requires action", () => {
    expect(StripeSettlement.cardFailure('Payment verification failed: Stripe PaymentIntent failed: Your card was declined..')).toBe('the card was declined')
    expect(StripeSettlement.cardFailure('Payment requires action: Stripe PaymentIntent requires action.')).toBe('the card needs authentication (3-D Secure)')
  })
})
