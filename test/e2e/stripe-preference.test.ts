// Wallet or card: a server offering both an evm charge and a card charge, and a user whose
// preference (in settings.json, overridable per server) picks; when the preferred one cannot pay,
// the other does, and with neither the agent is told why.
import { readFileSync, writeFileSync } from 'node:fs'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Home from '../../main/shared/Home.js'
import * as StandIn from '../fixtures/stripe/standIn.js'
import { accounts } from '../helpers/chain.js'
import { cli } from '../helpers/cli.js'
import { startDaemon } from '../helpers/companion.js'
import { stop } from '../helpers/processes.js'
import { card, startStripeRig, type StripeRig } from '../helpers/stripe.js'

let rig: StripeRig

/** Calls `search` ($0.01) and says which method paid it, checking the money moved that way. */
async function paidBy(query: string): Promise<string> {
  const [wallet, intents] = [await rig.chain.balanceOf(rig.chain.token, accounts.payer.address), rig.stripe.paymentIntents.length]
  const result = await rig.client.callTool({ name: 'search', arguments: { query } })
  expect(result.isError).toBeFalsy()
  const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
  const row = await rig.outcome(paymentId)
  expect(row.state).toBe('confirmed')
  const method = row.details!.method
  if (method === 'stripe') {
    expect(rig.stripe.paymentIntents.slice(intents).map((intent) => intent.id)).toEqual([row.receiptReference])
    expect(await rig.chain.balanceOf(rig.chain.token, accounts.payer.address)).toBe(wallet)
  } else {
    expect(rig.stripe.paymentIntents).toHaveLength(intents)
    expect(await rig.chain.balanceOf(rig.chain.token, accounts.payer.address)).toBe(wallet - 10_000n)
  }
  return method
}

/** Changes settings.json and restarts the companion, which reads it at start. */
async function restartWith(config: Record<string, unknown>) {
  const path = Home.paths(rig.home).config
  writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), ...config }))
  await stop(rig.daemon.process)
  rig.daemon = await startDaemon(rig.home)
}

beforeAll(async () => {
  rig = await startStripeRig({ methods: ['evm', 'stripe'], card: StandIn.cards.visa.id, config: { methodPreference: ['stripe', 'evm'] } })
}, 120_000)
afterAll(() => rig?.stop())

describe('a server offering evm, then stripe', () => {
  it('a user preferring the card pays by card', async () => {
    expect(await paidBy('card first')).toBe('stripe')
  })

  it('with no card set up, the wallet pays instead', async () => {
    expect((await card(rig.home, ['remove'])).code).toBe(0)
    expect(await paidBy('no card')).toBe('evm')
    expect((await card(rig.home, ['add', '--payment-method', StandIn.cards.visa.id], StandIn.keys.payer)).code).toBe(0)
  })

  it('a per-server preference for the wallet overrides the user preference for the card', async () => {
    await restartWith({ servers: { [rig.server.url]: { methodPreference: ['evm', 'stripe'] } } })
    expect(await paidBy('wallet first')).toBe('evm')
  })

  it('with no wallet, the card pays instead; with neither, the agent is told why', async () => {
    expect((await cli(rig.home, ['wallet', 'remove'])).code).toBe(0)
    expect(await paidBy('no wallet')).toBe('stripe')
    expect((await card(rig.home, ['remove'])).code).toBe(0)
    const result = await rig.client.callTool({ name: 'search', arguments: { query: 'nothing to pay with' } })
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Payment to .* for `search` was declined: Allowance has no wallet or card set up to pay in .+\.$/) }])
  })
})
