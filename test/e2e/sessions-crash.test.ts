// Sessions when the open goes astray and the companion is killed (SIGKILL) right after: an open the
// server never saw is abandoned once its transaction can no longer land (nothing moved, the budget
// gets the deposit back); an open the server broadcast but whose answer was lost is found on chain
// by the restarted companion, which goes on paying from where the channel stands. And a server that
// ignores the user's Close: the companion withdraws the rest once the escrow's grace period is over.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Payments from '../../main/ledger/Payments.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startSessionRig, until, type SessionRig } from './sessionRig.js'

/** Approves the deposit the next call asks for, and returns what the call got. */
async function approvedCall(rig: SessionRig, n: number): Promise<{ isError?: boolean }> {
  const call = rig.call(n).catch((error: Error) => ({ isError: true, error }))
  const asked = await rig.pending()
  expect(asked.options[0].escrow).toMatch(/^Locks up to 0.1 pathUSD in escrow/)
  expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
  return (await call) as { isError?: boolean }
}

describe('an open the server never saw', () => {
  let rig: SessionRig
  let budget: Budgets.Budget
  beforeAll(async () => {
    rig = await startSessionRig({ suggestedDeposit: '0.10' })
    budget = rig.ledger((db) => Budgets.add(db, { period: 'day', scope: { upstream: rig.server.url }, unit: 'usd', amount: 5_000_000n, now: Date.now() }))
  }, 120_000)
  afterAll(() => rig?.stop())

  it('is abandoned once its transaction can no longer land: nothing moved, and the budget has the deposit back', async () => {
    const before = await rig.chain.balanceOf(pathUsd, accounts.payer.address)
    await rig.server.dropNext('before')
    expect((await approvedCall(rig, 1)).isError).toBe(true)
    expect(rig.channels()[0]).toMatchObject({ state: 'opening', deposit: 100_000n })
    expect(rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)).toBe(100_000n)
    await rig.killAndRestart()
    // The open transaction is valid for 25 s; after that the restarted companion gives it up.
    await until(rig.channels, (list) => list[0]?.state === 'abandoned', 'the open is given up', 40_000)
    expect(rig.ledger((db) => Payments.list(db).map((row) => row.state))).toEqual(['failed', 'failed'])
    expect(rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)).toBe(0n)
    expect(await rig.chain.balanceOf(pathUsd, accounts.payer.address)).toBe(before)
    expect((await rig.server.stats()).opens).toBe(0)
    // The next call opens a channel of its own, once approved.
    expect(await approvedCall(rig, 2)).toMatchObject(rig.answered(2))
    await until(rig.channels, (list) => list[1]?.state === 'open', 'a new channel opens')
  }, 90_000)
})

describe('an open whose answer was lost', () => {
  let rig: SessionRig
  beforeAll(async () => void (rig = await startSessionRig({ suggestedDeposit: '0.10' })), 120_000)
  afterAll(() => rig?.stop())

  it('is found on chain after a restart; the next voucher goes on from the first, and the close pays exactly both', async () => {
    await rig.server.dropNext('after')
    expect((await approvedCall(rig, 1)).isError).toBe(true)
    await rig.killAndRestart()
    const [opened] = await until(rig.channels, (list) => list[0]?.state === 'open', 'the restarted companion finds the channel open')
    expect(opened).toMatchObject({ deposit: 100_000n, cumulative: 10_000n })
    expect(await rig.call(2)).toMatchObject(rig.answered(2))
    expect(rig.channels()[0]).toMatchObject({ cumulative: 20_000n })

    expect((await rig.daemon.api('POST', `/api/wallet/channels/${opened!.id}/close`)).status).toBe(200)
    const [closed] = await until(rig.channels, (list) => list[0]?.state === 'closed', 'the channel closes')
    // The server was paid for the lost answer too: it had accepted that voucher. The ledger says so.
    expect(closed).toMatchObject({ settled: 20_000n, refund: 80_000n })
    const rows = await until(() => rig.ledger((db) => Payments.list(db)), (list) => list.every((row) => row.state === 'confirmed'), 'every row settles')
    expect(rows.filter((row) => row.evidence?.action === 'voucher').reduce((sum, row) => sum + row.settledAmountAtomic!, 0n)).toBe(20_000n)
  }, 90_000)
})

describe('a server that ignores the close request', () => {
  let rig: SessionRig
  beforeAll(async () => void (rig = await startSessionRig({ suggestedDeposit: '0.10', cooperative: false })), 120_000)
  afterAll(() => rig?.stop())

  it('leaves the channel closing until the grace period is over; then the companion, restarted meanwhile, withdraws the rest', async () => {
    expect(await approvedCall(rig, 1)).toMatchObject(rig.answered(1))
    const [open] = await until(rig.channels, (list) => list[0]?.state === 'open', 'the channel opens')
    expect((await rig.daemon.api('POST', `/api/wallet/channels/${open!.id}/close`)).status).toBe(200)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect(rig.channels()[0]).toMatchObject({ state: 'closing' })
    await rig.killAndRestart()
    // The escrow's grace period is 15 minutes of chain time.
    await rig.chain.client.request({ method: 'evm_increaseTime', params: [901] } as never)
    await rig.chain.client.request({ method: 'evm_mine', params: [] } as never)
    const [closed] = await until(rig.channels, (list) => list[0]?.state === 'closed', 'the companion withdraws', 40_000)
    // The server never claimed the voucher it holds: the whole deposit comes back, and the call's row says it was not paid.
    expect(closed).toMatchObject({ settled: 0n, refund: 100_000n })
    expect(await rig.chain.balanceOf(pathUsd, rig.chain.escrow!)).toBe(0n)
    const call = rig.ledger((db) => Payments.list(db).find((row) => row.evidence?.action === 'voucher'))
    expect(call).toMatchObject({ state: 'failed', error: 'The server closed the channel without claiming this voucher.' })
  }, 90_000)
})
