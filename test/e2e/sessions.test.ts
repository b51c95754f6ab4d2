// Tempo sessions end to end on anvil's Tempo mode, with the legacy stream-channel escrow deployed
// (anvil lacks the TIP-1034 precompile) and a server that sells `metered` calls at 0.01 pathUSD
// through mppx's `tempo/session` method: the human approves the deposit, 50 calls then pay by
// voucher under a rule, the call past the deposit asks for a top-up, the user closes the channel and
// the escrow refunds the rest. The companion is killed (SIGKILL) and restarted after each step.
// At the end the ledger and the chain agree to the atomic unit.
import type { Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Payments from '../../main/ledger/Payments.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startSessionRig, until, type SessionRig } from './sessionRig.js'

describe('a session paid from the wallet', () => {
  let rig: SessionRig
  let budget: Budgets.Budget
  let start: { payer: bigint; payee: bigint }
  const balance = (owner: Address) => rig.chain.balanceOf(pathUsd, owner)

  beforeAll(async () => {
    // A deposit of 0.51 covers the opening call and 50 more at 0.01.
    rig = await startSessionRig({ suggestedDeposit: '0.51' })
    budget = rig.ledger((db) => Budgets.add(db, { period: 'day', scope: { upstream: rig.server.url }, unit: 'usd', amount: 5_000_000n, now: Date.now() }))
    start = { payer: await balance(accounts.payer.address), payee: await balance(accounts.recipient.address) }
  }, 120_000)
  afterAll(() => rig?.stop())

  const channels = async () => (await rig.daemon.api('GET', '/api/wallet/channels')).body as Record<string, any>[]

  it('opens the channel when the human approves the deposit, shown as locked in escrow', async () => {
    const first = rig.call(1)
    const asked = await rig.pending()
    expect(asked.options[0]).toMatchObject({ amount: '0.51 pathUSD', escrow: 'Locks up to 0.51 pathUSD in escrow for this server; unused funds come back when the session closes.' })
    expect(asked.reasons).toEqual(['above_auto_approve'])
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    expect(await first).toMatchObject(rig.answered(1))
    const [opened] = await until(rig.channels, (list) => list[0]?.state === 'open', 'the channel opens')
    expect(opened).toMatchObject({ deposit: 510_000n, cumulative: 10_000n, payee: accounts.recipient.address })
    expect(await channels()).toEqual([expect.objectContaining({ id: opened!.id, server: rig.server.url, state: 'open', deposited: '0.51 pathUSD', used: '0.01 pathUSD', refundable: '0.5 pathUSD' })])
    // The escrow holds the deposit; nothing reached the server yet.
    expect(await balance(rig.chain.escrow!)).toBe(510_000n)
    await rig.killAndRestart()
  }, 60_000)

  it('pays 50 calls by voucher under the rule, without asking; each is its own ledger row with the cumulative amount', async () => {
    for (let n = 2; n <= 51; n++) expect(await rig.call(n)).toMatchObject(rig.answered(n))
    expect((await rig.daemon.api('GET', '/api/approvals')).body).toEqual([])
    const calls = rig.ledger((db) => Payments.list(db).filter((row) => row.evidence?.action === 'voucher').sort((a, b) => a.id - b.id))
    expect(calls).toHaveLength(51)
    expect(calls.map((row) => row.evidence!.cumulative)).toEqual(Array.from({ length: 51 }, (_, index) => String((index + 1) * 10_000)))
    expect(calls.slice(1).every((row) => row.decidedBy?.startsWith('rule:') && row.details?.amountAtomic === 10_000n && row.details.budgetAmount === 0n)).toBe(true)
    // History says what each row is.
    expect((await rig.daemon.api('GET', `/api/history/${calls[50]!.id}`)).body).toMatchObject({ amount: '0.01 pathUSD', session: 'Voucher: 0.51 pathUSD paid in this session so far' })
    const deposit = rig.ledger((db) => Payments.list(db).find((row) => row.evidence?.action === 'open'))!
    expect((await rig.daemon.api('GET', `/api/history/${deposit.id}`)).body).toMatchObject({ amount: '0.51 pathUSD', session: 'Deposit locked in escrow' })
    const held = (await rig.server.stats()).channels
    expect(Object.values(held)).toEqual([expect.objectContaining({ deposit: '510000', cumulative: '510000' })])
    await rig.killAndRestart()
  }, 120_000)

  it('asks before a voucher would exceed the deposit, and tops it up once approved', async () => {
    const next = rig.call(52)
    const asked = await rig.pending()
    expect(asked.options[0]).toMatchObject({ amount: '0.51 pathUSD', escrow: expect.stringMatching(/^Adds 0.51 pathUSD to this server's escrow/) })
    // Nothing is signed while the human reads the card.
    expect(rig.channels()[0]).toMatchObject({ deposit: 510_000n, cumulative: 510_000n, topUp: null })
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    expect(await next).toMatchObject(rig.answered(52))
    expect(rig.channels()[0]).toMatchObject({ deposit: 1_020_000n, cumulative: 520_000n, topUp: null })
    expect(await balance(rig.chain.escrow!)).toBe(1_020_000n)
    await rig.killAndRestart()
  }, 60_000)

  it('closes on the user\u2019s word: the server is paid what the vouchers say, the rest comes back, and the ledger equals the chain', async () => {
    const [open] = await channels()
    const closing = await rig.daemon.api('POST', `/api/wallet/channels/${open!.id}/close`)
    expect(closing.status).toBe(200)
    await rig.killAndRestart()
    const [closed] = await until(rig.channels, (list) => list[0]?.state === 'closed', 'the channel closes')
    expect(closed).toMatchObject({ settled: 520_000n, refund: 500_000n })
    expect(await channels()).toEqual([expect.objectContaining({ state: 'closed', used: '0.52 pathUSD', refundable: '0.5 pathUSD', closeTransaction: closed!.closeTransaction })])

    // The chain: the server got exactly the vouchers' total; the escrow holds nothing; the payer is out that plus its network fees.
    expect(await balance(accounts.recipient.address)).toBe(start.payee + 520_000n)
    expect(await balance(rig.chain.escrow!)).toBe(0n)
    const payerSpent = start.payer - (await balance(accounts.payer.address))

    // The ledger, once every row settled: 52 confirmed calls of 0.01, two confirmed deposits, the fees booked.
    const rows = await until(
      () => rig.ledger((db) => Payments.list(db)),
      (list) => list.every((row) => row.state === 'confirmed'),
      'every row settles',
    )
    const calls = rows.filter((row) => row.evidence?.action === 'voucher')
    const deposits = rows.filter((row) => row.evidence?.action === 'open' || row.evidence?.action === 'topUp')
    expect(calls).toHaveLength(52)
    expect(calls.reduce((sum, row) => sum + row.settledAmountAtomic!, 0n)).toBe(520_000n)
    expect(deposits.map((row) => row.settledAmountAtomic)).toEqual([510_000n, 510_000n])
    const fees = deposits.reduce((sum, row) => sum + (row.fee?.amountAtomic ?? 0n), 0n) + closed!.closeFee!
    expect(deposits.every((row) => row.fee?.currency === `1337:${pathUsd.toLowerCase()}`)).toBe(true)
    expect(payerSpent).toBe(1_020_000n + fees - 500_000n)
    // The budget holds what left the wallet for good: the calls and every fee.
    expect(rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)).toBe(520_000n + fees)
  }, 120_000)
})
