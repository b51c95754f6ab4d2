// Session calls an agent makes at once, through one bridge and through two: one card for one
// deposit, one channel on chain, and every call paid by its own voucher in order, none refused by the
// server as lower than one it already held.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { pathUsd } from '../helpers/chain.js'
import { startSessionRig, until, type SessionRig } from './sessionRig.js'

describe('session calls made at the same time', () => {
  let rig: SessionRig
  beforeAll(async () => {
    rig = await startSessionRig({ suggestedDeposit: '0.20' })
  }, 120_000)
  afterAll(() => rig?.stop())

  const vouchers = () => rig.ledger((db) => Payments.list(db).filter((row) => row.evidence?.action === 'voucher'))

  it('three first calls at once: one card, one deposit, one channel, and all three answered', async () => {
    const calls = [rig.call(1), rig.call(2), rig.call(3)]
    const asked = await rig.pending()
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    const results = await Promise.all(calls)
    expect(results).toEqual([1, 2, 3].map((n) => expect.objectContaining(rig.answered(n))))
    // Nobody else was asked: the other two calls were vouchers in the channel the first opened.
    expect((await rig.daemon.api('GET', '/api/approvals')).body).toEqual([])
    const [channel, ...others] = await until(rig.channels, (list) => list[0]?.state === 'open', 'the channel opens')
    expect(others).toEqual([])
    expect(channel).toMatchObject({ deposit: 200_000n, cumulative: 30_000n })
    const stats = await rig.server.stats()
    expect({ opens: stats.opens, refused: stats.refused }).toEqual({ opens: 1, refused: 0 })
    expect(Object.values(stats.channels)).toEqual([expect.objectContaining({ deposit: '200000', cumulative: '30000' })])
    expect(await rig.chain.balanceOf(pathUsd, rig.chain.escrow!)).toBe(200_000n)
  }, 60_000)

  it('ten calls at once from two agent hosts: ten vouchers, each higher than the last, all taken by the server', async () => {
    const second = await hostWithBridge([rig.server.url], rig.home)
    try {
      const callsOf = (client: typeof rig.client, from: number) => Array.from({ length: 5 }, (_, index) => client.callTool({ name: 'metered', arguments: { n: from + index } }))
      const results = await Promise.all([...callsOf(rig.client, 10), ...callsOf(second.client, 20)])
      expect(results.every((result) => !result.isError)).toBe(true)
      const cumulative = vouchers().map((row) => BigInt(row.evidence!.cumulative as string)).sort((a, b) => (a < b ? -1 : 1))
      expect(cumulative).toEqual(Array.from({ length: 13 }, (_, index) => BigInt((index + 1) * 10_000)))
      const stats = await rig.server.stats()
      expect({ opens: stats.opens, refused: stats.refused }).toEqual({ opens: 1, refused: 0 })
      expect(Object.values(stats.channels)).toEqual([expect.objectContaining({ cumulative: '130000' })])
    } finally {
      await second.client.close()
    }
  }, 60_000)
})
