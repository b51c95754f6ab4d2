// A fault mid-payment, end to end: the upstream takes the credential, settles on chain, and drops
// the connection before answering. Money moved, and nobody heard so: the ledger must say
// `unconfirmed`, and nothing may pay again without a new approval. Both ways a server answers a
// POST: an event stream (its headers are out before the drop) and JSON (nothing is out).
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Rules from '../../main/ledger/Rules.js'
import { accounts } from '../helpers/chain.js'
import { autoApprove, startRig, type Rig } from './rig.js'

describe.each(['sse', 'json'] as const)('an upstream answering with %s', (response) => {
  let rig: Rig
  let rule: Rules.Rule

  beforeAll(async () => {
    rig = await startRig({ server: { response } })
    rule = autoApprove(rig, 300_000n)[0]!
  }, 120_000)

  afterAll(() => rig?.stop())

  const transfers = () => rig.chain.transfersFrom(rig.chain.token, accounts.payer.address)
  const search = () => rig.client.callTool({ name: 'search', arguments: { query: 'the same question' } })

  it('settled, then dropped: the host gets an error, the chain confirms the one transfer that moved, nothing pays again unasked', async () => {
    await rig.server.arm('drop-after-settle')
    const error = await search().then(
      () => undefined,
      (caught: Error & { data?: Record<string, unknown> }) => caught,
    )
    expect(error).toBeInstanceOf(Error)

    const rows = rig.rows()
    expect(rows).toHaveLength(1)
    const dropped = await rig.outcome(rows[0]!.id)
    // No receipt came back, but the chain shows the authorization used: the payment is confirmed, with its transaction.
    expect(dropped).toMatchObject({ state: 'confirmed', decision: 'approved', decidedBy: `rule:${rule.id}`, receiptReference: null, settledAmountAtomic: 10_000n })
    expect(dropped.transactionReference).toMatch(/^0x[0-9a-f]{64}$/)
    expect(error!.data?.['allowance/payment']).toEqual({ status: 'unconfirmed', paymentId: dropped.id })
    expect(await transfers()).toEqual([{ to: accounts.recipient.address, value: 10_000n }])
    expect((await rig.server.stats()).paid.search).toBe(1)

    // Time for any retry the bridge might attempt on its own: there is none.
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(rig.rows()).toHaveLength(1)
    expect(await transfers()).toHaveLength(1)
    expect((await rig.server.stats()).paid.search).toBe(1)
  })

  it('the same call again is a new payment, decided anew: a second row, a second transfer', async () => {
    const result = await search()
    expect(result.isError).toBeFalsy()
    const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
    expect(await rig.outcome(paymentId)).toMatchObject({ state: 'confirmed', decidedBy: `rule:${rule.id}` })
    expect(rig.rows().map((row) => row.state)).toEqual(['confirmed', 'confirmed'])
    expect(await transfers()).toHaveLength(2)
    expect((await rig.server.stats()).paid.search).toBe(2)
  })

  it('an upstream gone before the approved retry could connect: failed, not unconfirmed, and nothing moved', async () => {
    const call = rig.client.callTool({ name: 'expensive', arguments: {} }) // above the rule: a human decides
    const asked = await rig.pending()
    await rig.server.stop()
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    const error = await call.then(
      () => undefined,
      (caught: Error & { data?: Record<string, unknown> }) => caught,
    )
    expect(error?.message).toMatch(/nothing is listening at that address/)
    expect(error!.data?.['allowance/payment']).toEqual({ status: 'failed', paymentId: asked.paymentId })
    expect(await rig.outcome(asked.paymentId)).toMatchObject({ state: 'failed', decidedBy: 'human' })
    expect(await transfers()).toHaveLength(2)
  })
})
