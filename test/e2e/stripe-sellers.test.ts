// Card payments against sellers that do not play fair, end to end through the real SDK on both
// sides and the Stripe stand-in: a seller that refuses a Shared Payment Token and charges it later,
// one that captures less than was approved, one whose receipt names a PaymentIntent that does not
// exist, and a card declined at the charge. After every payment the companion revokes the token and
// reads what was captured: the ledger books exactly that, and a revoked token can never be charged.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Payments from '../../main/ledger/Payments.js'
import { card, startStripeRig, type StripeRig } from '../helpers/stripe.js'
import * as StandIn from '../fixtures/stripe/standIn.js'

let rig: StripeRig
let budget: Budgets.Budget

beforeAll(async () => {
  rig = await startStripeRig({ methods: ['stripe'], card: StandIn.cards.visa.id })
  budget = rig.ledger((db) => Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 10_000_000n, now: Date.now() }))
}, 120_000)

afterAll(() => rig?.stop())

const used = () => rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)
const captured = () => rig.stripe.tokens.reduce((sum, token) => sum + token.amountCaptured, 0)
const call = (name: 'search' | 'premium_report', query: string) => rig.client.callTool({ name, arguments: { query, topic: query } })
const paymentOf = (result: Awaited<ReturnType<typeof call>>) => result._meta?.['allowance/payment'] as { paymentId: number; status: string; reason?: string }

/** Waits for the settlement check of a payment to leave `state`, and returns the row. */
async function resolved(paymentId: number): Promise<Payments.Row> {
  await expect.poll(() => rig.rows().find((row) => row.id === paymentId)?.state, { timeout: 10_000 }).not.toMatch(/^(signed|sent|accepted)$/)
  return rig.rows().find((row) => row.id === paymentId)!
}

describe('a seller that refuses the token, then charges it later', () => {
  it('the token is revoked once refused: the later charge fails, nothing is captured, and the ledger says failed', async () => {
    const [before, spent] = [captured(), used()]
    await rig.server.arm('refuse-and-keep')
    const result = await call('search', 'refused')
    expect(paymentOf(result)).toMatchObject({ status: 'declined', reason: 'rechallenge' })
    const rows = rig.rows()
    const refused = rows.at(-2)!
    expect(refused).toMatchObject({ round: 1, details: { method: 'stripe', recipient: 'internal' } })
    expect(await resolved(refused.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/nothing was captured with the card token, which is now revoked$/) })
    expect(rig.stripe.tokens.at(-1)).toMatchObject({ status: 'revoked', amountCaptured: 0 })

    // The seller tries the token it kept: Stripe refuses it.
    const charges = await rig.server.chargeKept()
    expect(charges).toHaveLength(1)
    expect(charges[0]).toMatchObject({ ok: false })
    expect(captured()).toBe(before)
    expect(used()).toBe(spent)
  })
})

describe('a seller that captures less than was approved', () => {
  it('is booked at what it captured, and the budget holds only that', async () => {
    const spent = used()
    await rig.server.arm('capture-less')
    const result = await call('premium_report', 'half')
    expect(result.isError).toBeFalsy()
    const row = await resolved(paymentOf(result).paymentId)
    const token = rig.stripe.tokens.at(-1)!
    expect(token.amountCaptured).toBe(12) // half of 25 cents, rounded down
    expect(row).toMatchObject({ state: 'confirmed', settledAmountAtomic: 12n, details: { amountAtomic: 25n, budgetAmount: 120_000n } })
    expect(used() - spent).toBe(120_000n)
  })
})

describe('a seller whose receipt names a PaymentIntent that does not exist', () => {
  it('captured nothing: the token is revoked, the payment failed, its budget given back', async () => {
    const [before, spent] = [captured(), used()]
    await rig.server.arm('fake-receipt')
    const result = await call('search', 'made up')
    expect(paymentOf(result)).toMatchObject({ status: 'accepted', reference: expect.stringMatching(/^pi_/) })
    const row = await resolved(paymentOf(result).paymentId)
    expect(row).toMatchObject({ state: 'failed', confirmedAt: null })
    expect(rig.stripe.paymentIntents.some((intent) => intent.id === row.receiptReference)).toBe(false)
    expect(rig.stripe.tokens.at(-1)).toMatchObject({ status: 'revoked', amountCaptured: 0 })
    expect(captured()).toBe(before)
    expect(used()).toBe(spent)
  })
})

describe('a card declined when the seller charges it', () => {
  it('the agent and the ledger read that the card was declined, not that the server refused twice', async () => {
    expect((await card(rig.home, ['remove'])).code).toBe(0)
    expect((await card(rig.home, ['add', '--payment-method', StandIn.cards.insufficientFunds.id], StandIn.keys.payer)).stderr).toBe('')
    const before = captured()
    const result = await call('search', 'no funds')
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: `Payment of 0.01 USD to 127.0.0.1:${rig.server.port} for \`search\` was not made: the card was declined (insufficient funds).` }])
    const first = rig.rows().at(-2)!
    expect(await resolved(first.id)).toMatchObject({ state: 'failed', error: expect.stringMatching(/insufficient funds/) })
    expect(captured()).toBe(before)
  })
})
