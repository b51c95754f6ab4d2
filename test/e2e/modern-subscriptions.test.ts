// A subscription sold by a server on the MCP 2026-07-28 revision only: the SDK v2 test server in
// modern mode sells `pro_plan` (mppx's real tempo subscription, 9 pathUSD every 30 days; its
// challenge travels in a result's `_meta`) on anvil's Tempo mode. As on the 2025 era
// (subscriptions.test.ts), the card shows the terms, an auto-approve rule covering the amount does
// not approve it, and the human's approval signs one key authorization for exactly those terms.
// Anvil refuses the server's activation transaction, so no charge happens and nothing moves; on
// this era mppx answers that failure with a fresh challenge (on the 2025 era, a -32603 error).
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Subscriptions from '../../main/ledger/Subscriptions.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { modernStats } from '../helpers/servers.js'
import { startModernPayer, until } from './sessionRig.js'

let rig: Awaited<ReturnType<typeof startModernPayer>>
beforeAll(async () => void (rig = await startModernPayer('modern-subscriptions-test-secret-key-of-at-least-32-bytes', () => ({ SUBSCRIPTIONS: 'tempo' }), { tempoMode: 'push' })), 120_000)
afterAll(() => rig?.stop())

it('asks the human with the terms even under a rule covering the amount; approved, the server receives one key authorization for exactly those terms, and nothing moves', async () => {
  // A rule for far more than 9 pathUSD, naming the server's recipient: a subscription is never auto-approved.
  rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000_000n, now: Date.now() }))
  const before = await rig.chain.balanceOf(pathUsd, accounts.payer.address)
  const call = rig.client.callTool({ name: 'pro_plan', arguments: {} })
  const [card] = await until(async () => (await rig.daemon.api('GET', '/api/approvals')).body, (body) => body.length > 0, 'the subscription is asked for')
  expect(card.reasons).toEqual(['subscription'])
  expect(card.payment).toMatchObject({ kind: 'subscription', intent: 'subscription', subscription: { periodCount: 30, periodUnit: 'day', periodSeconds: 30 * 86_400 } })
  expect(card.options[0].amount).toBe('9 pathUSD')
  expect((await modernStats(rig.server)).subscriptions).toEqual([])
  expect((await rig.daemon.api('POST', `/api/approvals/${card.paymentId}/approve`, {})).status).toBe(200)
  const result = await call
  // What the server received: one key authorization, for the terms it asked, all on the modern revision.
  const stats = await modernStats(rig.server)
  expect(stats.requests.legacy).toEqual({})
  expect(stats.subscriptions).toHaveLength(1)
  const [received] = stats.subscriptions
  expect(received).toMatchObject({ payload: 'keyAuthorization', request: { amount: '9000000', periodCount: '30', periodUnit: 'day', recipient: accounts.recipient.address.toLowerCase() } })
  // On anvil the server cannot submit it: on this era mppx answers with a fresh challenge saying
  // so, which the bridge does not pay again (it tells the host), and nothing moves.
  expect(result).toMatchObject({ isError: true, _meta: { 'allowance/payment': { status: 'declined', reason: 'rechallenge' } } })
  expect(JSON.stringify(result.content)).toContain('the server refused a payment it had already been sent; Allowance did not pay again')
  const { paymentId: again } = result._meta!['allowance/payment'] as { paymentId: number }
  expect(rig.ledger((db) => Payments.get(db, again))).toMatchObject({ state: 'declined', declineReason: 'rechallenge', previousPaymentId: card.paymentId })
  expect(await rig.chain.balanceOf(pathUsd, accounts.payer.address)).toBe(before)
  // The ledger keeps the credential as sent (the server holds an authorization it could still use),
  // and the approved terms, held to the access key the server named.
  const row = await until(() => rig.ledger((db) => Payments.get(db, card.paymentId)), (row) => row?.state !== 'signed', 'the bridge reports the outcome', 10_000)
  expect(row).toMatchObject({ decidedBy: 'human', state: 'sent', error: expect.stringContaining('An internal payment error occurred'), details: { kind: 'subscription', amountAtomic: 9_000_000n } })
  const accessKey = (received!.request.methodDetails as { accessKey: { accessKeyAddress: string } }).accessKey.accessKeyAddress
  expect(rig.ledger((db) => Subscriptions.inForce(db, rig.server.url, Date.now()))).toMatchObject({ paymentId: card.paymentId, amountAtomic: 9_000_000n, periodSeconds: 30 * 86_400, accessKey })
}, 90_000)
