// Tempo sessions end to end on anvil's Tempo mode, with the legacy stream-channel escrow deployed
// (anvil lacks the TIP-1034 precompile) and a server that sells `metered` calls at 0.01 pathUSD
// through mppx's `tempo/session` method: the human approves the deposit, 50 calls then pay by
// voucher under a rule, the call past the deposit asks for a top-up, the user closes the channel and
// the escrow refunds the rest. The companion is killed (SIGKILL) and restarted after each step.
// At the end the ledger and the chain agree to the atomic unit.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Channels from '../../main/ledger/Channels.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { accounts, keys, pathUsd, startChain, startSessionServer, writeConfig, type LocalChain, type SessionServer } from '../helpers/chain.js'
import { startDaemon, withLedger, type Daemon } from '../helpers/companion.js'
import { stop, stopAll, temporaryHome } from '../helpers/processes.js'

describe('a session paid from the wallet', () => {
  let chain: LocalChain
  let server: SessionServer
  let daemon: Daemon
  let client: Client
  let home: ReturnType<typeof temporaryHome>
  let budget: Budgets.Budget
  const ledger = <T>(use: Parameters<typeof withLedger<T>>[1]) => withLedger(home.home, use)
  const balance = (owner: Address) => chain.balanceOf(pathUsd, owner)
  let start: { payer: bigint; payee: bigint }

  beforeAll(async () => {
    home = temporaryHome()
    chain = await startChain({ variant: 'tempo' })
    // A deposit of 0.51 covers the opening call and 50 more at 0.01.
    server = await startSessionServer(chain, { price: '0.01', suggestedDeposit: '0.51' })
    writeConfig(home.home, chain, { escrows: { [chain.chainId]: chain.escrow } })
    await Wallet.importKey(home.home, keys.payer)
    daemon = await startDaemon(home.home)
    ;({ client } = await hostWithBridge([server.url], home.home))
    // The user's rule: this server's calls up to 0.01 each, paid to its known recipient, without asking.
    ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 10_000n, now: Date.now() }))
    budget = ledger((db) => Budgets.add(db, { period: 'day', scope: { upstream: server.url }, unit: 'usd', amount: 5_000_000n, now: Date.now() }))
    start = { payer: await balance(accounts.payer.address), payee: await balance(accounts.recipient.address) }
  }, 120_000)
  afterAll(async () => {
    if (process.env.DEBUG_SESSIONS) console.error(daemon?.stderr(), server?.log())
    await client?.close()
    await stopAll()
    home?.remove()
  })

  const call = (n: number) => client.callTool({ name: 'metered', arguments: { n } })
  const answered = (n: number) => ({ content: [{ type: 'text', text: `metered answer ${n}` }] })
  const killAndRestart = async () => {
    await stop(daemon.process, 'SIGKILL')
    daemon = await startDaemon(home.home)
  }
  const pending = async () => {
    for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
      const { body } = await daemon.api('GET', '/api/approvals')
      if (body.length > 0) return body[0]
    }
    throw new Error('nobody was asked')
  }
  const channels = async () => (await daemon.api('GET', '/api/wallet/channels')).body as Record<string, any>[]
  const until = async <T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string): Promise<T> => {
    for (const deadline = Date.now() + 20_000; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
      const value = await read()
      if (done(value)) return value
      if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value, (_k, v) => (typeof v === 'bigint' ? String(v) : v))}`)
    }
  }
  const channel = () => ledger((db) => Channels.list(db, ['opening', 'open', 'closing', 'closed', 'abandoned']))

  it('opens the channel when the human approves the deposit, shown as locked in escrow', async () => {
    const first = call(1)
    const asked = await pending()
    expect(asked.options[0]).toMatchObject({ amount: '0.51 pathUSD', escrow: 'Locks up to 0.51 pathUSD in escrow for this server; unused funds come back when the session closes.' })
    expect(asked.reasons).toEqual(['above_auto_approve'])
    expect((await daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    expect(await first).toMatchObject(answered(1))
    const [opened] = await until(channel, (list) => list[0]?.state === 'open', 'the channel opens')
    expect(opened).toMatchObject({ deposit: 510_000n, cumulative: 10_000n, payee: accounts.recipient.address })
    expect(await channels()).toEqual([expect.objectContaining({ id: opened!.id, server: server.url, state: 'open', deposited: '0.51 pathUSD', used: '0.01 pathUSD', refundable: '0.5 pathUSD' })])
    // The escrow holds the deposit; nothing reached the server yet.
    expect(await balance(chain.escrow!)).toBe(510_000n)
    await killAndRestart()
  }, 60_000)

  it('pays 50 calls by voucher under the rule, without asking; each is its own ledger row with the cumulative amount', async () => {
    for (let n = 2; n <= 51; n++) expect(await call(n)).toMatchObject(answered(n))
    expect((await daemon.api('GET', '/api/approvals')).body).toEqual([])
    const calls = ledger((db) => Payments.list(db).filter((row) => row.evidence?.action === 'voucher').sort((a, b) => a.id - b.id))
    expect(calls).toHaveLength(51)
    expect(calls.map((row) => row.evidence!.cumulative)).toEqual(Array.from({ length: 51 }, (_, index) => String((index + 1) * 10_000)))
    expect(calls.slice(1).every((row) => row.decidedBy?.startsWith('rule:') && row.details?.amountAtomic === 10_000n && row.details.budgetAmount === 0n)).toBe(true)
    const held = (await server.stats()).channels
    expect(Object.values(held)).toEqual([expect.objectContaining({ deposit: '510000', cumulative: '510000' })])
    await killAndRestart()
  }, 120_000)

  it('asks before a voucher would exceed the deposit, and tops it up once approved', async () => {
    const next = call(52)
    const asked = await pending()
    expect(asked.options[0]).toMatchObject({ amount: '0.51 pathUSD', escrow: expect.stringMatching(/^Adds 0.51 pathUSD to this server's escrow/) })
    // Nothing is signed while the human reads the card.
    expect(channel()[0]).toMatchObject({ deposit: 510_000n, cumulative: 510_000n, topUp: null })
    expect((await daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    expect(await next).toMatchObject(answered(52))
    expect(channel()[0]).toMatchObject({ deposit: 1_020_000n, cumulative: 520_000n, topUp: null })
    expect(await balance(chain.escrow!)).toBe(1_020_000n)
    await killAndRestart()
  }, 60_000)

  it('closes on the user\u2019s word: the server is paid what the vouchers say, the rest comes back, and the ledger equals the chain', async () => {
    const [open] = await channels()
    const closing = await daemon.api('POST', `/api/wallet/channels/${open!.id}/close`)
    expect(closing.status).toBe(200)
    await killAndRestart()
    const [closed] = await until(channel, (list) => list[0]?.state === 'closed', 'the channel closes')
    expect(closed).toMatchObject({ settled: 520_000n, refund: 500_000n })
    expect(await channels()).toEqual([expect.objectContaining({ state: 'closed', used: '0.52 pathUSD', refundable: '0.5 pathUSD', closeTransaction: closed!.closeTransaction })])

    // The chain: the server got exactly the vouchers' total; the escrow holds nothing; the payer is out that plus its network fees.
    expect(await balance(accounts.recipient.address)).toBe(start.payee + 520_000n)
    expect(await balance(chain.escrow!)).toBe(0n)
    const payerSpent = start.payer - (await balance(accounts.payer.address))

    // The ledger, once every row settled: 52 confirmed calls of 0.01, two confirmed deposits, the fees booked.
    const rows = await until(
      () => ledger((db) => Payments.list(db)),
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
    expect(ledger((db) => Budgets.usage(db, budget, new Date()).used)).toBe(520_000n + fees)
  }, 120_000)
})
