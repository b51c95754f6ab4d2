// Paying by card end to end: an agent host → the built bridge → the paid server's mppx `stripe`
// charge, with the companion issuing a Shared Payment Token through the real `stripe` SDK. Stripe
// is the local stand-in (test/fixtures/stripe), which both sides reach and which records what
// they sent.
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as SharedPaymentToken from '../../main/payments/SharedPaymentToken.js'
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

    const issued = rig.stripe.requests.slice(before).filter((request) => request.path.includes('shared_payment'))
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

    expect(row).toMatchObject({ state: 'settled', receiptReference: intent.id, decidedBy: expect.stringMatching(/^rule:/) })
    expect(result._meta?.['allowance/payment']).toEqual({ status: 'settled', paymentId: row.id, reference: intent.id })
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
