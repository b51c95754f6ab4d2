// What a restarted companion makes of a top-up a crash left pending, against anvil's Tempo mode with
// the session escrow: one the wallet had sent is counted once the chain shows it; one that never
// left is given up once its transaction can no longer land, and its row fails. (The ledger is as
// the companion writes it before a top-up leaves: the channel names the pending top-up, its row is
// signed with the transaction's hash.)
import type { Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Outcome from '../../../main/approvals/Outcome.js'
import * as Sessions from '../../../main/companion/Sessions.js'
import * as Channels from '../../../main/ledger/Channels.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Channel from '../../../main/payments/methods/tempo/Channel.js'
import * as Log from '../../../main/shared/Log.js'
import { accounts, pathUsd, startChain, type LocalChain } from '../../helpers/chain.js'
import { stopAll } from '../../helpers/processes.js'
import { ledger } from '../../unit/ledger/temp.js'

describe('a top-up pending after a crash', () => {
  let chain: LocalChain
  let target: Channel.Target
  beforeAll(async () => {
    chain = await startChain({ variant: 'tempo' })
    target = { rpcUrl: chain.rpcUrl, chainId: chain.chainId, escrow: chain.escrow!, token: pathUsd }
  }, 60_000)
  afterAll(() => stopAll())

  /**
   * A channel the payer opened on chain with 0.10, a top-up of 0.05 signed for it, and the ledger as
   * the companion leaves it right before that top-up leaves: its row signed, the channel naming it.
   */
  async function crashedAtTopUp(salt: Hex) {
    const db = ledger()
    const identity = { ...target, payer: accounts.payer.address, payee: accounts.recipient.address, salt }
    await Channel.send(target, await Channel.signOpen({ identity, account: accounts.payer, deposit: 100_000n }))
    const id = Channel.id(identity)
    const topUp = await Channel.signTopUp({ target, account: accounts.payer, channelId: id, additional: 50_000n })
    const context = { host: 'Claude Code', upstream: 'http://127.0.0.1:1/mcp', operation: 'tools/call' as const, target: 'metered' }
    const currency = `${chain.chainId}:${pathUsd.toLowerCase()}`
    const details = { kind: 'payment' as const, realm: 'r', challengeId: 'c', method: 'tempo', protocol: 'mpp' as const, intent: 'session', scheme: null, amountAtomic: 50_000n, currency, decimals: 6, symbol: 'pathUSD', recipient: accounts.recipient.address, chainId: chain.chainId, budgetUnit: 'usd', budgetAmount: 50_000n, flags: [], description: null }
    const paymentId = Payments.insert(db, { now: Date.now(), state: 'approved', decision: 'approved', decidedBy: 'human', context, argumentsHash: 'h', details })
    Outcome.signed(db, paymentId, { now: Date.now(), evidence: { payer: accounts.payer.address, escrow: target.escrow, channelId: id, action: 'topUp', transaction: topUp.hash } })
    Channels.add(db, { ...target, id, upstream: context.upstream, currency, payer: accounts.payer.address, payee: accounts.recipient.address, salt, deposit: 100_000n, cumulative: 100_000n, validBefore: 0, openPaymentId: 0, expiresAt: Date.now() + 3_600_000, now: Date.now() })
    Channels.update(db, id, { state: 'open', topUp: 50_000n, topUpTransaction: topUp.hash, topUpPaymentId: paymentId, validBefore: topUp.validBefore }, Date.now())
    return { db, id, topUp, paymentId }
  }

  /** A companion's sessions started on `db`, resolving what it finds; the rows it hands to the settlement checks. */
  function restarted(db: ReturnType<typeof ledger>) {
    const watched: number[] = []
    const sessions = Sessions.create({
      db,
      log: Log.create({ name: 'test', stderr: false }),
      account: async () => accounts.payer,
      rpc: () => ({ [chain.chainId]: chain.rpcUrl }),
      expirySeconds: () => 3600,
      onChange: () => {},
      watch: (paymentId) => void watched.push(paymentId),
    })
    sessions.resume()
    return { sessions, watched }
  }

  const settled = async (db: ReturnType<typeof ledger>, id: Hex, timeoutMs: number) => {
    for (const deadline = Date.now() + timeoutMs; Channels.get(db, id)?.topUp && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50))
    return Channels.get(db, id)
  }

  it('counts one the wallet had sent, and hands its row to the settlement checks', async () => {
    const { db, id, topUp, paymentId } = await crashedAtTopUp(`0x${'0a'.repeat(32)}`)
    await Channel.send(target, topUp)
    const { sessions, watched } = restarted(db)
    try {
      expect(await settled(db, id, 10_000)).toMatchObject({ deposit: 150_000n, topUp: null })
      expect(Payments.get(db, paymentId)).toMatchObject({ state: 'accepted', receiptReference: topUp.hash })
      expect(watched).toEqual([paymentId])
    } finally {
      sessions.stop()
    }
  }, 60_000)

  it('gives up one that never left once it can no longer land: its row fails, the deposit is what the escrow holds', async () => {
    const { db, id, paymentId } = await crashedAtTopUp(`0x${'0b'.repeat(32)}`)
    const { sessions } = restarted(db)
    try {
      expect(await settled(db, id, 40_000)).toMatchObject({ deposit: 100_000n, topUp: null })
      expect(Payments.get(db, paymentId)).toMatchObject({ state: 'failed', error: 'The top-up transaction never landed.' })
      expect(await Channel.read(target, id)).toMatchObject({ deposit: 100_000n })
    } finally {
      sessions.stop()
    }
  }, 60_000)
})
