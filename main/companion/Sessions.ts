import { randomBytes } from 'node:crypto'
import type { Address, Hex, LocalAccount, TransactionReceipt } from 'viem'
import * as Outcome from '../approvals/Outcome.js'
import type { Approved } from '../approvals/Decision.js'
import * as Channels from '../ledger/Channels.js'
import { type Database, immediate } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Reservation from '../ledger/Reservation.js'
import * as Amount from '../payments/Amount.js'
import * as Chains from '../payments/Chains.js'
import * as Channel from '../payments/methods/tempo/Channel.js'
import type * as Signer from '../payments/Signer.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'

/**
 * The wallet's tempo session channels, kept by the companion: it signs what an approved session
 * call needs (the open transaction with the first voucher, a top-up it sends itself, the next
 * voucher), closes channels on the user's word and on expiry, and confirms on chain what each
 * moved. Every channel change is in the ledger before what was signed leaves the companion, so a
 * crash at any point leaves a channel the next run resolves from the chain: an open that never
 * landed is abandoned once its transaction can no longer land, a top-up is counted once seen, a
 * close is finished. Vouchers only ever rise from the highest one signed, so a restart never pays
 * a call twice.
 *
 * Ledger rows: the deposit and each top-up are payment rows of their amount (approved like any
 * payment, holding that against budgets until the channel closes, when the refund is released);
 * each call is a row of its price with the channel's cumulative amount in its evidence, holding
 * nothing more; it is confirmed when the channel closes with the server paid at least that much.
 */
export type Sessions = {
  /** Signs an approved session call. Returns the call's own payment row, which the bridge reports on. */
  sign(decision: Approved, rpcUrl: string): Promise<{ paymentId: number; credential: Signer.Credential }>
  /** What the server made of a session call's credential (the bridge's report, already in the ledger). */
  reported(paymentId: number): void
  /** The user's Close: the wallet asks the escrow to close; the server settles and the rest comes back. */
  close(id: string): Promise<Channels.Channel>
  /** Resolves what a previous run left in flight, and schedules expiries. */
  resume(): void
  stop(): void
}

/** When to look again at a transaction just signed: once it can no longer land, if it has not. */
const validSecondsMs = (Channel.validSeconds + 1) * 1000
/** The pause before asking a node again that could not answer. */
const lookAgainMs = 5_000

export function create(parameters: create.Parameters): Sessions {
  const { db, log, account, rpc, onChange, watch } = parameters
  const timers = new Set<NodeJS.Timeout>()
  let stopped = false
  const later = (ms: number, run: () => Promise<unknown>) => {
    if (stopped) return
    const timer = setTimeout(() => {
      timers.delete(timer)
      run().catch((error) => log.error(`sessions: ${ErrorWords.describe(error)}`))
    }, Math.max(0, ms))
    timers.add(timer)
  }

  const targetOf = (channel: Pick<Channels.Channel, 'chainId' | 'escrow' | 'token'>): Channel.Target => {
    const rpcUrl = Chains.rpcUrlFor(channel.chainId, rpc())
    if (!rpcUrl) throw new Error(`No RPC URL is configured for ${Chains.withId(channel.chainId)}; add one under "rpc" in settings.json.`)
    return { rpcUrl, chainId: channel.chainId, escrow: channel.escrow as Address, token: channel.token as Address }
  }

  /** A row for the call a voucher pays, decided with the deposit or top-up it rode along with (when it did). */
  const callRow = (from: Payments.Row, price: bigint, now: number): number => {
    const { host, upstream, operation, target } = from
    return Payments.insert(db, {
      now,
      state: 'approved',
      context: { host, upstream, operation, target },
      argumentsHash: from.argumentsHash,
      argumentsPreview: from.argumentsPreview,
      details: { ...from.details!, amountAtomic: price, budgetAmount: 0n },
      decision: 'approved',
      decidedBy: from.decidedBy ?? 'human',
      ...(from.leaseId !== null && { leaseId: from.leaseId }),
    })
  }

  /** Signs the next voucher over `channel` for `price`, raising it in the ledger first; marks `paymentId` (or a new call row) signed. */
  const nextVoucher = async (channelId: string, price: bigint, wallet: LocalAccount, row: { paymentId: number } | { from: Payments.Row }) => {
    for (;;) {
      const channel = Channels.get(db, channelId)!
      const cumulative = channel.cumulative + price
      if (cumulative > channel.deposit) throw new Error(`The channel's deposit of ${channel.deposit} cannot cover a voucher of ${cumulative}.`)
      const signature = await Channel.voucher({ target: targetOf(channel), account: wallet, channelId: channel.id as Hex, cumulative })
      const evidence = { payer: wallet.address, channelId: channel.id, action: 'voucher', cumulative: cumulative.toString() }
      const paymentId = immediate(db, () => {
        const now = Date.now()
        if (!Channels.raise(db, channel.id, { from: channel.cumulative, to: cumulative, now })) return undefined
        const id = 'paymentId' in row ? row.paymentId : callRow(row.from, price, now)
        Outcome.signed(db, id, { now, evidence })
        return id
      })()
      // Another call drew on the channel meanwhile: sign again over what it left.
      if (paymentId === undefined) continue
      return { paymentId, signature, cumulative }
    }
  }

  const sign: Sessions['sign'] = async (decision, rpcUrl) => {
    const { payment, paymentId, challenge } = decision
    const step = payment.session?.step
    if (!step || payment.currency.kind !== 'token' || payment.chainId === undefined || !payment.recipient) throw new Error('The session call was not planned.')
    const wallet = await account()
    const price = payment.session!.price
    const source = `did:pkh:eip155:${payment.chainId}:${wallet.address}`
    const decided = Payments.get(db, paymentId)!
    if (step.action === 'open') {
      const target: Channel.Target = { rpcUrl, chainId: payment.chainId, escrow: payment.session!.escrow as Address, token: payment.currency.address as Address }
      const salt = `0x${randomBytes(32).toString('hex')}` as Hex
      const identity = { ...target, payer: wallet.address, payee: payment.recipient as Address, salt }
      const channelId = Channel.id(identity)
      const open = await Channel.signOpen({ identity, account: wallet, deposit: step.deposit })
      const signature = await Channel.voucher({ target, account: wallet, channelId, cumulative: price })
      const callId = immediate(db, () => {
        const now = Date.now()
        const expiresAt = now + parameters.expirySeconds() * 1000
        Channels.add(db, { ...target, id: channelId, upstream: decided.upstream, currency: payment.currency.key, payer: wallet.address, payee: payment.recipient!, salt, deposit: step.deposit, cumulative: price, validBefore: open.validBefore, openPaymentId: paymentId, expiresAt, now })
        Outcome.signed(db, paymentId, { now, evidence: { payer: wallet.address, escrow: target.escrow, channelId, action: 'open', transaction: open.hash } })
        const id = callRow(decided, price, now)
        Outcome.signed(db, id, { now, evidence: { payer: wallet.address, channelId, action: 'voucher', cumulative: price.toString() } })
        return id
      })()
      log.info(`session: opening channel ${channelId} with a deposit of ${step.deposit} (payment ${paymentId})`)
      later(validSecondsMs, () => settleOpening(channelId))
      const payload = { action: 'open', type: 'transaction', channelId, transaction: open.serialized, authorizedSigner: wallet.address, cumulativeAmount: price.toString(), signature }
      return { paymentId: callId, credential: { challenge, payload, source } }
    }
    if (step.action === 'topUp') await topUp(step.channelId, step.additional, paymentId, wallet)
    const row = step.action === 'topUp' ? { from: decided } : { paymentId }
    const voucher = await nextVoucher(step.channelId, price, wallet, row)
    const payload = { action: 'voucher', channelId: step.channelId, cumulativeAmount: voucher.cumulative.toString(), signature: voucher.signature }
    return { paymentId: voucher.paymentId, credential: { challenge, payload, source } }
  }

  /** Sends a top-up the human approved and waits for it; the deposit counts it once the chain shows it. */
  const topUp = async (channelId: string, additional: bigint, paymentId: number, wallet: LocalAccount) => {
    const channel = Channels.get(db, channelId)!
    const target = targetOf(channel)
    const signed = await Channel.signTopUp({ target, account: wallet, channelId: channel.id as Hex, additional })
    immediate(db, () => {
      const now = Date.now()
      Channels.update(db, channel.id, { topUp: additional, topUpTransaction: signed.hash, topUpPaymentId: paymentId, validBefore: signed.validBefore }, now)
      Outcome.signed(db, paymentId, { now, evidence: { payer: wallet.address, escrow: channel.escrow, channelId: channel.id, action: 'topUp', transaction: signed.hash } })
    })()
    try {
      await Channel.send(target, signed)
    } catch (error) {
      // Not landed (or reverted): the top-up resolves once its transaction can no longer land.
      later(validSecondsMs, () => settleTopUp(channel.id))
      throw error
    }
    await settleTopUp(channel.id)
  }

  /** A pending top-up: counted once on chain; failed once it can no longer land. */
  const settleTopUp = async (channelId: string): Promise<void> => {
    const channel = Channels.get(db, channelId)
    if (!channel?.topUp) return
    const { amount, transaction, paymentId } = channel.topUp
    let receipt: Awaited<ReturnType<typeof Channel.receiptOf>>
    try {
      receipt = await Channel.receiptOf(targetOf(channel), transaction as Hex)
    } catch (error) {
      // A node that cannot say is no answer: look again, never call the top-up failed on it.
      log.warn(`sessions: the top-up ${transaction} could not be looked up (${ErrorWords.describe(error)}); looking again`)
      later(lookAgainMs, () => settleTopUp(channelId))
      return
    }
    if (receipt?.status === 'success') {
      immediate(db, () => {
        const now = Date.now()
        Channels.update(db, channelId, { deposit: channel.deposit + amount, topUp: null, topUpTransaction: null, topUpPaymentId: null, validBefore: null }, now)
        accept(paymentId, transaction, now)
      })()
      watch(paymentId)
      return
    }
    const chainNow = (await Channel.chainTime(targetOf(channel))) * 1000
    if (chainNow <= (channel.validBefore ?? 0)) return void later(channel.validBefore! - chainNow + 1000, () => settleTopUp(channelId))
    immediate(db, () => {
      const now = Date.now()
      Channels.update(db, channelId, { topUp: null, topUpTransaction: null, topUpPaymentId: null, validBefore: null }, now)
      failRow(paymentId, 'The top-up transaction never landed.', now)
    })()
    onChange(paymentId, 'failed')
  }

  /** An opening channel: open once the escrow holds it; abandoned (nothing moved) once its transaction can no longer land. */
  const settleOpening = async (channelId: string): Promise<void> => {
    const channel = Channels.get(db, channelId)
    if (!channel || channel.state !== 'opening') return
    const target = targetOf(channel)
    const onChain = await Channel.read(target, channel.id as Hex)
    if (onChain.deposit > 0n) {
      immediate(db, () => {
        const now = Date.now()
        Channels.update(db, channelId, { state: 'open', deposit: onChain.deposit, validBefore: null }, now)
        const deposit = Payments.get(db, channel.openPaymentId)
        accept(channel.openPaymentId, deposit?.evidence?.transaction as string | undefined, now)
      })()
      watch(channel.openPaymentId)
      log.info(`session: channel ${channelId} is open with ${onChain.deposit}`)
      scheduleExpiry(Channels.get(db, channelId)!)
      return
    }
    const chainNow = (await Channel.chainTime(target)) * 1000
    if (chainNow <= (channel.validBefore ?? 0)) return void later(channel.validBefore! - chainNow + 1000, () => settleOpening(channelId))
    const failed = immediate(db, () => {
      const now = Date.now()
      Channels.update(db, channelId, { state: 'abandoned', validBefore: null }, now)
      const ids = [channel.openPaymentId, ...vouchersOf(channel).map((row) => row.id)]
      for (const id of ids) failRow(id, 'The channel never opened: its open transaction did not land.', now)
      return ids
    })()
    log.warn(`session: channel ${channelId} never opened; nothing moved`)
    for (const id of failed) onChange(id, 'failed')
  }

  /** The rows of calls paid over a channel that wait for its close (read from its server's rows only). */
  const vouchersOf = (channel: Channels.Channel) =>
    Payments.list(db, { upstream: channel.upstream, states: ['signed', 'sent', 'accepted', 'unconfirmed'] }).filter((row) => row.evidence?.channelId === channel.id && row.evidence?.action === 'voucher')

  /**
   * A deposit or top-up row the chain shows taken: accepted, for the settlement check to confirm
   * with its fee. (A row a restart left `sent` stays so: the check confirms it all the same.)
   */
  const accept = (paymentId: number, reference: string | undefined, now: number) => {
    if (Payments.get(db, paymentId)?.state === 'signed') Outcome.accepted(db, paymentId, { reference, now })
  }

  const failRow = (paymentId: number, error: string, now: number) => {
    const row = Payments.get(db, paymentId)
    if (row && ['approved', 'signed', 'sent', 'accepted', 'unconfirmed'].includes(row.state)) Outcome.fail(db, paymentId, { error, now, from: ['approved', 'signed', 'sent', 'accepted', 'unconfirmed'] })
  }

  const reported: Sessions['reported'] = (paymentId) => {
    const row = Payments.get(db, paymentId)
    const channelId = row?.evidence?.channelId
    if (typeof channelId !== 'string') return
    const channel = Channels.get(db, channelId)
    if (channel?.state === 'opening') void settleOpening(channelId).catch((error: unknown) => log.error(`session: ${ErrorWords.describe(error)}`))
  }

  const close: Sessions['close'] = async (id) => {
    const channel = Channels.get(db, id)
    if (!channel) throw new Error(`There is no session channel ${id}.`)
    if (channel.state === 'closing' || channel.state === 'closed') return channel
    if (channel.state !== 'open') throw new Error(`The channel ${id} is ${channel.state}; only an open channel can be closed.`)
    const target = targetOf(channel)
    const receipt = await Channel.requestClose({ target, account: await account(), channelId: channel.id as Hex })
    const now = Date.now()
    Channels.update(db, channel.id, { state: 'closing', closeRequestedAt: now, closeTransaction: receipt.transactionHash }, now)
    bookCloseFee(channel, receipt)
    log.info(`session: asked the escrow to close channel ${id}`)
    later(0, () => finishClosing(channel.id, 0))
    return Channels.get(db, channel.id)!
  }

  /** A close request's or withdrawal's network fee left the wallet too: the channel keeps it until it closes. */
  const bookCloseFee = (channel: Channels.Channel, receipt: TransactionReceipt) => {
    const fee = Channel.feePaid(receipt, { payer: channel.payer as Address, token: channel.token as Address, escrow: channel.escrow as Address })
    const current = Channels.get(db, channel.id)!
    Channels.update(db, channel.id, { closeFee: (current.closeFee ?? 0n) + fee }, Date.now())
  }

  /** A closing channel: done when the escrow shows it closed; after the grace period, the wallet withdraws. */
  const finishClosing = async (id: string, attempt: number): Promise<void> => {
    const channel = Channels.get(db, id)
    if (!channel || channel.state !== 'closing') return
    const target = targetOf(channel)
    const ended = await Channel.closed(target, channel.id as Hex)
    if (ended) return finalize(channel, ended)
    const onChain = await Channel.read(target, channel.id as Hex)
    const graceEnd = (Number(onChain.closeRequestedAt) + Number(await Channel.gracePeriod(target))) * 1000
    if (onChain.closeRequestedAt > 0n && (await Channel.chainTime(target)) * 1000 >= graceEnd) {
      const receipt = await Channel.withdraw({ target, account: await account(), channelId: channel.id as Hex })
      bookCloseFee(channel, receipt)
      const withdrawn = await Channel.closed(target, channel.id as Hex)
      if (withdrawn) return finalize(channel, withdrawn)
    }
    later(Math.min(30_000, 200 * 2 ** Math.min(attempt, 8)), () => finishClosing(id, attempt + 1))
  }

  /** The escrow paid out: calls up to what the server was paid are confirmed, later ones failed; the refund is released from the deposit rows. */
  const finalize = (channel: Channels.Channel, ended: Channel.Closed) => {
    const changed = immediate(db, () => {
      const now = Date.now()
      Channels.update(db, channel.id, { state: 'closed', settled: ended.settled, refund: ended.refund, closeTransaction: ended.transaction, closedAt: now }, now)
      const stages: [number, 'confirmed' | 'failed'][] = []
      for (const row of vouchersOf(channel)) {
        const cumulative = BigInt(row.evidence!.cumulative as string)
        if (cumulative <= ended.settled) {
          Outcome.confirm(db, row.id, { transaction: ended.transaction, amount: row.details!.amountAtomic, toBudget: () => 0n, now })
          stages.push([row.id, 'confirmed'])
        } else {
          failRow(row.id, 'The server closed the channel without claiming this voucher.', now)
          stages.push([row.id, 'failed'])
        }
      }
      release(Channels.get(db, channel.id)!, ended.refund, now)
      return stages
    })()
    log.info(`session: channel ${channel.id} closed: ${ended.settled} to the server, ${ended.refund} back to the wallet`)
    for (const [paymentId, stage] of changed) onChange(paymentId, stage)
  }

  /**
   * Gives the refund back to the budgets: the deposit rows (the latest top-up first) hold that much
   * less. The fees of closing count on the deposit that opened the channel.
   */
  const release = (channel: Channels.Channel, refund: bigint, now: number) => {
    const deposits = Payments.list(db, { upstream: channel.upstream, states: ['confirmed'] }).filter((row) => row.evidence?.channelId === channel.id && (row.evidence.action === 'open' || row.evidence.action === 'topUp'))
    const opening = deposits.find((row) => row.id === channel.openPaymentId)
    if (opening && channel.closeFee) Reservation.hold(db, opening, opening.details!.budgetAmount + toBudget(opening, channel.closeFee), now)
    let left = refund
    for (const row of deposits.sort((a, b) => b.id - a.id)) {
      if (left === 0n) break
      const held = Payments.get(db, row.id)!
      const part = left < held.details!.amountAtomic ? left : held.details!.amountAtomic
      Reservation.hold(db, held, held.details!.budgetAmount - toBudget(held, part), now)
      left -= part
    }
  }

  const toBudget = (row: Payments.Row, atomic: bigint) => Amount.toBudget(atomic, row.details!.decimals, row.details!.budgetUnit)

  const scheduleExpiry = (channel: Channels.Channel) => {
    later(channel.expiresAt - Date.now(), async () => {
      const current = Channels.get(db, channel.id)
      if (current?.state !== 'open') return
      log.info(`session: channel ${channel.id} expired; closing it`)
      await close(channel.id)
    })
  }

  return {
    sign,
    reported,
    close,
    resume() {
      for (const channel of Channels.list(db)) {
        if (channel.state === 'opening') later(0, () => settleOpening(channel.id))
        if (channel.topUp) later(0, () => settleTopUp(channel.id))
        if (channel.state === 'closing') later(0, () => finishClosing(channel.id, 0))
        if (channel.state === 'open') scheduleExpiry(channel)
      }
    },
    stop() {
      stopped = true
      for (const timer of timers) clearTimeout(timer)
      timers.clear()
    },
  }
}

export declare namespace create {
  type Parameters = {
    db: Database
    log: Logger
    /** The wallet's signing account (throws when it is locked). */
    account: () => Promise<LocalAccount>
    /** The user's RPC endpoints by chain id. */
    rpc: () => Readonly<Record<string, string>>
    /** How long a channel stays open before the companion closes it. */
    expirySeconds: () => number
    onChange: (paymentId: number, stage: 'confirmed' | 'failed') => void
    /** Hands a deposit or top-up row to the settlement checks. */
    watch: (paymentId: number) => void
  }
}
