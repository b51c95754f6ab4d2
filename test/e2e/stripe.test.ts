// Paying by card end to end: an agent host → the built bridge → the paid server's mppx `stripe`
// charge, with the companion issuing a Shared Payment Token through the real `stripe` SDK. Stripe
// is the local stand-in (test/fixtures/stripe), which both sides reach and which records what
// they sent.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as SharedPaymentToken from '../../main/payments/SharedPaymentToken.js'
import * as StripeApi from '../../main/payments/StripeApi.js'
import * as Home from '../../main/shared/Home.js'
import * as StandIn from '../fixtures/stripe/standIn.js'
import { card, startStripeRig, type StripeRig } from '../helpers/stripe.js'

/** Calls `search` ($0.01) and returns the answer and its ledger row once the outcome is in. */
async function search(rig: StripeRig, query: string) {
  const result = await rig.client.callTool({ name: 'search', arguments: { query } })
  const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
  return { result, row: await rig.outcome(paymentId) }
}

/** Everything the companion wrote: its database (with the WAL) and its logs, plus the daemon's stderr. */
function everythingWritten(rig: StripeRig): string {
  const paths = Home.paths(rig.home)
  const files = [paths.database, `${paths.database}-wal`, ...readdirSync(paths.logs).map((name) => join(paths.logs, name))]
  const read = (file: string) => {
    try {
      return readFileSync(file).toString('latin1')
    } catch {
      return ''
    }
  }
  return [...files.map(read), rig.daemon.stderr()].join('\n')
}

describe('a card-only server, a test-mode card, an auto-approve rule', () => {
  let rig: StripeRig
  beforeAll(async () => void (rig = await startStripeRig({ methods: ['stripe'], card: StandIn.cards.visa.id })), 120_000)
  afterAll(() => rig?.stop())

  it('card show names the card and its mode, never the key', async () => {
    const shown = await card(rig.home, ['show'])
    expect(shown.stdout.trim()).toBe('visa •••• 4242 (pm_card_visa, test mode): test mode, no real money')
    const json = JSON.parse((await card(rig.home, ['show', '--json'])).stdout)
    expect(json).toEqual({ paymentMethod: 'pm_card_visa', mode: 'test', brand: 'visa', last4: '4242', store: 'keychain' })
    expect(readFileSync(join(rig.home, 'card.json'), 'utf8')).not.toContain(StandIn.keys.payer)
  })

  it('pays search by card: one SPT for exactly the amount, currency and expiry; the PaymentIntent used it; the row settles with pi_…', async () => {
    const before = rig.stripe.requests.length
    const { result, row } = await search(rig, 'by card')
    expect(result.isError).toBeFalsy()
    expect(result.content).toEqual([{ type: 'text', text: 'results for by card: alpha, beta, gamma' }])

    const issued = rig.stripe.requests.slice(before).filter((request) => request.path === '/v1/test_helpers/shared_payment/granted_tokens')
    expect(issued).toHaveLength(1)
    const [request] = issued
    expect(request).toMatchObject({ method: 'POST', path: '/v1/test_helpers/shared_payment/granted_tokens', as: 'payer', stripeVersion: StandIn.previewVersion })
    expect(request!.body).toMatchObject({ payment_method: 'pm_card_visa', usage_limits: { currency: 'usd', max_amount: '1' }, seller_details: { network_id: 'internal' } })
    expect(row.details).toMatchObject({ method: 'stripe', amountAtomic: 1n })
    const challengeId = row.details!.challengeId
    expect(request!.idempotencyKey).toBe(SharedPaymentToken.idempotencyKey(challengeId))
    // The token expires with the challenge (mppx: five minutes after it was issued).
    const expiresAt = Number(request!.body.usage_limits.expires_at)
    expect(Math.abs(expiresAt * 1000 - (Date.now() + 5 * 60_000))).toBeLessThan(60_000)

    const token = rig.stripe.tokens.at(-1)!
    const intent = rig.stripe.paymentIntents.at(-1)!
    expect(intent).toMatchObject({ amount: 1, currency: 'usd', token: token.id, status: 'succeeded' })
    expect(token.used).toBe(true)
    const confirmation = rig.stripe.requests.slice(before).find((recorded) => recorded.path === '/v1/payment_intents')!
    expect(confirmation).toMatchObject({ as: 'seller', stripeVersion: StandIn.previewVersion, body: { confirm: 'true', amount: '1', currency: 'usd' } })

    // Confirmed by Stripe's view of the token: revoked once the call was answered (nothing more can be
    // captured with it), then read back: what the seller captured is what the ledger books.
    expect(row).toMatchObject({ state: 'confirmed', receiptReference: intent.id, settledAmountAtomic: 1n, decidedBy: expect.stringMatching(/^rule:/) })
    expect(token).toMatchObject({ status: 'consumed', amountCaptured: 1 })
    const after = rig.stripe.requests.slice(before).map((recorded) => `${recorded.method} ${recorded.path.replace(token.id, ':id')}`)
    expect(after.slice(after.indexOf('POST /v1/payment_intents') + 1)).toEqual([
      'POST /v1/test_helpers/shared_payment/granted_tokens/:id/revoke',
      'GET /v1/shared_payment/granted_tokens/:id',
    ])
    expect(result._meta?.['allowance/payment']).toEqual({ status: 'accepted', paymentId: row.id, reference: intent.id })
  })

  it('counts card charges in USD budgets', async () => {
    const { row } = await search(rig, 'budget')
    expect(row.details).toMatchObject({ budgetUnit: 'usd', budgetAmount: 10_000n })
  })

  it('no Shared Payment Token, and no Stripe key, appears in the database, the logs or the daemon output', async () => {
    expect(rig.stripe.tokens.length).toBeGreaterThan(0)
    const written = everythingWritten(rig)
    for (const token of rig.stripe.tokens) expect(written).not.toContain(token.id)
    expect(written).not.toMatch(/spt_(test|live)_/)
    expect(written).not.toContain(StandIn.keys.payer)
  })
})

describe('choosing the card from the account', () => {
  let rig: StripeRig
  beforeAll(async () => void (rig = await startStripeRig({ methods: ['stripe'] })), 120_000)
  afterAll(() => rig?.stop())

  it('without --payment-method, lists the cards of the account to choose from and stores nothing', async () => {
    const listed = await card(rig.home, ['add'], StandIn.keys.payer)
    expect(listed.code).toBe(2)
    expect(listed.stderr).toContain('the account (test mode) has several cards; choose one with --payment-method:')
    expect(listed.stderr).toMatch(/pm_card_visa\s+visa\s+•••• 4242/)
    expect(listed.stderr).not.toContain(StandIn.keys.payer)
    expect((await card(rig.home, ['show'])).stderr).toContain('There is no card yet')
  })

  it('refuses a key that is not a Stripe secret key, and a payment method the account does not have', async () => {
    const notAKey = await card(rig.home, ['add', '--payment-method', 'pm_card_visa'], 'pk_test_publishable0000000')
    expect(notAKey).toMatchObject({ code: 2, stderr: expect.stringContaining('That is not a Stripe secret or restricted key') })
    const unknown = await card(rig.home, ['add', '--payment-method', 'pm_unknown'], StandIn.keys.payer)
    expect(unknown).toMatchObject({ code: 1, stderr: expect.stringContaining("Stripe refused: No such PaymentMethod: 'pm_unknown' (Stripe: resource_missing)") })
  })

  it('without a card, a card-only server is declined with the reason', async () => {
    const result = await rig.client.callTool({ name: 'search', arguments: { query: 'no card' } })
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Payment to .* for `search` was declined: Allowance has no wallet or card set up to pay in USD by card\.$/) }])
    expect(rig.stripe.tokens).toHaveLength(0)
  })
})

describe('card failures: a clear sentence to the agent, a failed row with the Stripe code, and no charge', () => {
  let rig: StripeRig
  beforeAll(async () => void (rig = await startStripeRig({ methods: ['stripe'], card: StandIn.cards.visa.id })), 120_000)
  afterAll(() => rig?.stop())

  /** Sets up another card (or key) the way a user would. */
  async function switchCard(paymentMethod: string, key: string = StandIn.keys.payer) {
    expect((await card(rig.home, ['remove'])).code).toBe(0)
    const added = await card(rig.home, ['add', '--payment-method', paymentMethod], key)
    expect(added.stderr).toBe('')
  }

  async function fails(query: string, clause: string, code: string) {
    const [tokens, intents] = [rig.stripe.tokens.length, rig.stripe.paymentIntents.length]
    const { result, row } = await search(rig, query)
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: `Allowance approved the payment, but the card could not pay: ${clause} (Stripe: ${code}).` }])
    expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'declined', reason: 'card_failed', paymentId: row.id })
    expect(row.state).toBe('failed')
    expect(row.error).toContain(`(Stripe: ${code})`)
    expect([rig.stripe.tokens.length, rig.stripe.paymentIntents.length]).toEqual([tokens, intents])
  }

  it('a declined card', async () => {
    await switchCard(StandIn.cards.declined.id)
    await fails('declined', 'the card was declined', 'card_declined/generic_decline')
  })

  it('a currency the card cannot pay', async () => {
    await switchCard(StandIn.cards.eurOnly.id)
    await fails('dollars', 'the card cannot pay in this currency', 'card_declined/currency_not_supported')
  })

  it('an expired key, and a key Stripe no longer knows', async () => {
    await switchCard(StandIn.cards.visa.id)
    rig.stripe.keyStatus.payer = 'expired'
    await fails('expired', 'the Stripe key has expired; add a new one with `allowance card add`', 'api_key_expired')
    rig.stripe.keyStatus.payer = 'revoked'
    await fails('revoked', 'Stripe rejected the key; add a valid one with `allowance card add`', 'authentication_error')
    delete rig.stripe.keyStatus.payer
  })

  it('Stripe unreachable', async () => {
    rig.stripe.unreachable = true
    try {
      await fails('unreachable', 'Stripe could not be reached', 'api_connection_error')
    } finally {
      rig.stripe.unreachable = false
    }
  })

  it('after all that, the card pays again, once', async () => {
    const { result, row } = await search(rig, 'recovered')
    expect(result.isError).toBeFalsy()
    expect(row).toMatchObject({ state: 'confirmed', receiptReference: rig.stripe.paymentIntents.at(-1)!.id })
    expect(rig.stripe.paymentIntents).toHaveLength(1)
  })

  it('the same challenge always gets the same token back from Stripe: paying it twice cannot issue twice', async () => {
    const client = StripeApi.client(StandIn.keys.payer, { apiBase: rig.stripe.url })
    const parameters = { mode: 'test' as const, paymentMethod: 'pm_card_visa', amount: '1', currency: 'usd', expiresAt: Math.floor(Date.now() / 1000) + 300, networkId: 'internal', challengeId: 'challenge-1' }
    const tokens = rig.stripe.tokens.length
    const first = await SharedPaymentToken.issue(client, parameters)
    expect(await SharedPaymentToken.issue(client, parameters)).toBe(first)
    expect(rig.stripe.tokens.length).toBe(tokens + 1)
  })

  it('a live-mode key issues through the issued-token endpoint to the business profile of the seller', async () => {
    await switchCard(StandIn.cards.visa.id, StandIn.keys.payerLive)
    expect((await card(rig.home, ['show'])).stdout).toContain('(pm_card_visa, live mode): live mode, real charges')
    const { result, row } = await search(rig, 'live')
    expect(result.isError).toBeFalsy()
    expect(row.state).toBe('confirmed')
    const issued = rig.stripe.requests.filter((request) => request.path === '/v1/shared_payment/issued_tokens').at(-1)!
    expect(issued).toMatchObject({ path: '/v1/shared_payment/issued_tokens', as: 'payerLive', body: { seller_details: { network_business_profile: 'internal' } } })
  })
})
