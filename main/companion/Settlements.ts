import * as Outcome from '../approvals/Outcome.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Amount from '../payments/Amount.js'
import * as Chains from '../payments/Chains.js'
import type * as Challenge from '../payments/Challenge.js'
import * as EvmSettlement from '../payments/methods/evm/Settlement.js'
import * as StripeSettlement from '../payments/methods/stripe/Settlement.js'
import * as TempoSettlement from '../payments/methods/tempo/Settlement.js'
import type * as Settlement from '../payments/Settlement.js'
import * as Signer from '../payments/Signer.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import type { Address, Hex } from 'viem'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'
import type * as Config from './Config.js'
import * as FeeBounds from './FeeBounds.js'

/**
 * The settlement checks: what the chain (or Stripe) shows about each payment whose credential left
 * the companion, off the host's path. A server's receipt makes a payment `accepted`; only a check
 * makes it `confirmed`, at the amount that moved plus the fee the wallet paid. A refused credential
 * (`sent`) fails only once a check shows it was not used and can no longer be: a card token is
 * revoked first, an authorization must have expired unused. Whatever a check cannot settle within
 * the configured time becomes `unconfirmed` and keeps its reservation. A confirmed row is final.
 *
 * Card tokens are bearer secrets: they are kept in this process's memory until their payment is
 * resolved, never in the ledger. After a restart, a card payment still in question is unconfirmed.
 */
export type Settlements = {
  /**
   * Notes what a new credential commits to, paid from the wallet at `payer` or with `card`;
   * returns its public evidence for the ledger row. Until the payment is watched or forgotten its
   * credential is out with a bridge whose host still waits, and no check starts (for
   * `maxHoldMs` at most).
   */
  track(paymentId: number, payment: Challenge.Payment, credential: Signer.Credential, from: { payer?: string | undefined; card?: Signer.Card | undefined }): Record<string, unknown> | undefined
  /** Starts checking a payment that is `accepted` or `sent`. */
  watch(paymentId: number): void
  /** Drops what was kept for a payment that failed before its credential left. */
  forget(paymentId: number): void
  /** Runs `work` (deciding or signing a payment) with no check starting until it ends: a host waits on it, nobody waits on a check. */
  before<T>(work: () => Promise<T>): Promise<T>
  /** Checks every payment a previous run left in question. */
  resume(): void
  /** Stops checking; what is in question stays so for the next run. */
  close(): void
}

/** At most this many checks talk to nodes or Stripe at once. */
const maxConcurrentChecks = 2
/**
 * The longest a due check waits for the payments in progress to leave the hosts' path: under a
 * steady stream of paid calls checks still run, only later. Settlement timeouts are minutes.
 */
const maxHoldMs = 2_000
/** The pause before a second look; each later one waits twice as long, up to `settlement.maxIntervalSeconds`. */
const firstPauseMs = 250

export function create(parameters: create.Parameters): Settlements {
  const { db, config, registry, log, onChange } = parameters
  const cards = new Map<number, { card: Signer.Card; token: string }>()
  const timers = new Map<number, NodeJS.Timeout>()
  let closed = false

  const settle = (paymentId: number, stage: 'confirmed' | 'unconfirmed' | 'failed', change: () => void) => {
    try {
      change()
    } catch (error) {
      // Another check (or a restart's recovery) moved the row first; the ledger keeps what it says.
      if (!(error instanceof Outcome.OutcomeError)) throw error
      log.debug(`payment ${paymentId}: ${error.message}`)
      return
    }
    cards.delete(paymentId)
    onChange(paymentId, stage)
  }

  const apply = (row: Payments.Row, verdict: Verdict, deadline: boolean) => {
    const now = Date.now()
    const details = row.details!
    const toBudget = (amount: bigint) => (details.budgetUnit === 'usd' ? Amount.toMicroUsd(amount, details.decimals) : amount)
    if (verdict.status === 'confirmed') {
      const fee = verdict.fee && FeeBounds.inBudget(registry(), details, verdict.fee, false)
      const error = row.state === 'sent' ? `The server did not accept the payment, but it was taken: ${verdict.transaction}.` : undefined
      log.info(`payment ${row.id} confirmed in ${verdict.transaction}`)
      return settle(row.id, 'confirmed', () => Outcome.confirm(db, row.id, { transaction: verdict.transaction, amount: verdict.amount, fee, toBudget, error, now }))
    }
    if (verdict.status === 'nothing_moved') {
      return settle(row.id, 'failed', () => Outcome.fail(db, row.id, { error: `${row.error ?? 'The server did not accept the payment'}; ${verdict.problem}`, now, from: ['sent', 'accepted'] }))
    }
    if (verdict.status === 'mismatch' || deadline) {
      log.warn(`payment ${row.id} is unconfirmed: ${verdict.problem}`)
      return settle(row.id, 'unconfirmed', () => Outcome.unconfirmed(db, row.id, { error: verdict.problem, now }))
    }
    return 'again'
  }

  // Checks that are due wait their turn: a burst of payments must not flood the node, and none
  // starts while a host waits on a payment (the companion decides or signs it, or the server has
  // its credential and has not answered yet), so that a check never holds up a call. On a machine
  // with few cores, a check's node requests and their parsing would take the CPU from the call.
  const due: { run: () => Promise<void>; at: number }[] = []
  let running = 0
  let deciding = 0
  /** Payments whose credential a bridge holds, until it reports the server's answer: when each left. */
  const out = new Map<number, number>()
  let wake: NodeJS.Timeout | undefined
  const onPath = (now: number) => {
    for (const [paymentId, since] of out) if (now - since >= maxHoldMs) out.delete(paymentId)
    return deciding > 0 || out.size > 0
  }
  const pump = () => {
    const now = Date.now()
    while (running < maxConcurrentChecks && due.length > 0 && (!onPath(now) || now - due[0]!.at >= maxHoldMs)) {
      running++
      void due.shift()!.run().finally(() => {
        running--
        pump()
      })
    }
    // Held checks run when the path is clear (`before`, `watch`, `forget` pump again), or once held too long.
    if (due.length > 0 && running < maxConcurrentChecks && !wake && !closed) {
      wake = setTimeout(() => {
        wake = undefined
        pump()
      }, Math.max(0, due[0]!.at + maxHoldMs - now))
      wake.unref()
    }
  }
  const schedule = (paymentId: number, attempt: number, since: number, pause: number) => {
    const run = () => check(paymentId, attempt, since).catch((error) => log.error(`payment ${paymentId}: ${ErrorWords.describe(error)}`))
    timers.set(paymentId, setTimeout(() => void (due.push({ run, at: Date.now() }), pump()), pause))
  }

  const check = async (paymentId: number, attempt: number, since: number): Promise<void> => {
    timers.delete(paymentId)
    if (closed) return
    const row = Payments.get(db, paymentId)
    if (!row?.details || !Payments.checking.includes(row.state)) return
    const { timeoutSeconds, maxIntervalSeconds } = config().settlement
    let verdict: Verdict
    try {
      verdict = await look(row, { cards, config: config(), registry: registry() })
    } catch (error) {
      verdict = { status: 'pending', problem: `The check failed: ${ErrorWords.describe(error)}` }
    }
    if (closed) return
    const waitedOut = Date.now() - since >= timeoutSeconds * 1000 && !(verdict.status === 'pending' && verdict.until !== undefined && Date.now() < verdict.until)
    if (apply(Payments.get(db, paymentId) ?? row, verdict, waitedOut) !== 'again') return
    schedule(paymentId, attempt + 1, since, Math.min(maxIntervalSeconds * 1000, firstPauseMs * 2 ** attempt))
  }

  const watch = (paymentId: number) => {
    if (out.delete(paymentId)) setImmediate(pump)
    if (closed || timers.has(paymentId)) return
    schedule(paymentId, 0, Date.now(), 0)
  }

  return {
    track(paymentId, payment, credential, { payer, card }) {
      out.set(paymentId, Date.now())
      if (payment.method === 'stripe') {
        const token = (credential.payload as { spt?: unknown }).spt
        if (card && typeof token === 'string') cards.set(paymentId, { card, token })
        return { mode: card?.mode }
      }
      const evidence = payment.method === 'evm' ? EvmSettlement.evidence(credential) : TempoSettlement.evidence(credential)
      // The row records the primary recipient only; a check needs every transfer the payment makes.
      const splits = payment.splits.length ? { splits: payment.splits } : {}
      return evidence && jsonSafe({ payer, ...evidence, ...splits })
    },
    watch,
    forget(paymentId) {
      cards.delete(paymentId)
      if (out.delete(paymentId)) setImmediate(pump)
    },
    async before(work) {
      deciding++
      try {
        return await work()
      } finally {
        deciding--
        // After the answer has left: a check started here would run before it is written.
        setImmediate(pump)
      }
    },
    resume() {
      for (const row of Payments.unresolved(db)) watch(row.id)
    },
    close() {
      closed = true
      clearTimeout(wake)
      for (const timer of timers.values()) clearTimeout(timer)
      timers.clear()
      cards.clear()
    },
  }
}

export declare namespace create {
  type Parameters = {
    db: Database
    config: () => Config.Config
    registry: () => TokenRegistry.Registry
    log: Logger
    /** A payment was confirmed, found unconfirmed, or found to have moved nothing. */
    onChange: (paymentId: number, stage: 'confirmed' | 'unconfirmed' | 'failed') => void
  }
}

/**
 * What a check found: `confirmed` (what moved, and the fee), `nothing_moved` (the credential can no
 * longer be used and was not), `mismatch` (the chain contradicts the approval), or `pending`
 * (look again; `until`: the credential stays usable until then, so it is not given up on before).
 */
type Verdict =
  | { status: 'confirmed'; transaction: string; amount: bigint; fee?: Settlement.Fee | undefined }
  | { status: 'nothing_moved'; problem: string }
  | { status: 'mismatch'; problem: string }
  | { status: 'pending'; problem: string; until?: number | undefined }

type Context = { cards: Map<number, { card: Signer.Card; token: string }>; config: Config.Config; registry: TokenRegistry.Registry }

async function look(row: Payments.Row, context: Context): Promise<Verdict> {
  const details = row.details!
  if (details.method === 'stripe') return lookAtStripe(row, context)
  const rpcUrl = details.chainId === null ? undefined : Signer.rpcUrlFor(details.chainId, context.config.rpc)
  if (!rpcUrl) return { status: 'mismatch', problem: `No RPC endpoint is configured for ${details.chainId === null ? 'its chain' : Chains.withId(details.chainId)}, so the payment cannot be checked.` }
  const evidence = row.evidence ?? {}
  // The ledger names a token `<chainId>:<address>`.
  const currency = (details.currency.split(':')[1] ?? '') as Address
  const recipient = details.recipient as Address
  const reference = row.receiptReference ?? undefined
  const payer = (evidence.payer ?? evidence.from) as Address | undefined
  if (!payer) return { status: 'mismatch', problem: 'Allowance kept nothing to find this payment by on chain.' }
  if (details.method === 'evm') {
    const nonce = evidence.nonce as Hex | undefined
    const validBefore = typeof evidence.validBefore === 'string' ? BigInt(evidence.validBefore) : undefined
    if (!nonce) return { status: 'mismatch', problem: 'Allowance kept nothing to find this payment by on chain.' }
    const verdict = await EvmSettlement.confirm({ rpcUrl, token: currency, payer, recipient, amount: details.amountAtomic, nonce, validBefore, reference })
    return fromChain(verdict, details.amountAtomic, row.state === 'sent' && validBefore !== undefined ? Number(validBefore) * 1000 : undefined)
  }
  const transaction = evidence.transaction as Hex | undefined
  const memo = evidence.memo as Hex | undefined
  const splits = ((evidence.splits ?? []) as { recipient: Address; amount: string }[]).map((split) => ({ recipient: split.recipient, amount: BigInt(split.amount) }))
  const primary = details.amountAtomic - splits.reduce((sum, split) => sum + split.amount, 0n)
  const payments = [{ recipient, amount: primary }, ...splits]
  const verdict = await TempoSettlement.confirm({ rpcUrl, chainId: details.chainId!, currency, payer, payments, transaction, memo, reference })
  return fromChain(verdict, details.amountAtomic, undefined)
}

/**
 * A chain check's verdict. An authorization the chain shows unused is no proof while it can still
 * be submitted: a refused one fails only after it expires (`usableUntil`).
 */
function fromChain(verdict: Settlement.Verdict, amount: bigint, usableUntil: number | undefined): Verdict {
  if (verdict.status === 'confirmed') return { status: 'confirmed', transaction: verdict.transaction, amount, fee: verdict.fee }
  if (verdict.status === 'mismatch') return verdict
  if (usableUntil !== undefined && verdict.unused) {
    // A minute beyond its end, for a submission already in a block being built.
    return Date.now() > usableUntil + 60_000
      ? { status: 'nothing_moved', problem: 'the authorization expired unused, so nothing can move any more' }
      : { status: 'pending', problem: verdict.problem, until: usableUntil + 60_000 }
  }
  return { status: 'pending', problem: verdict.problem }
}

/** Revokes the card token, then reads what the seller captured with it: final once revoked. */
async function lookAtStripe(row: Payments.Row, context: Context): Promise<Verdict> {
  const kept = context.cards.get(row.id)
  if (!kept) return { status: 'mismatch', problem: 'The companion restarted before it could check this card payment with Stripe; the card token expires with the challenge.' }
  const details = row.details!
  const verdict = await StripeSettlement.settle(kept.card.client, { mode: kept.card.mode, token: kept.token, currency: details.currency.replace(/^iso:/, '') })
  if (verdict.status === 'captured') return { status: 'confirmed', transaction: row.receiptReference ?? 'stripe', amount: verdict.amount }
  if (verdict.status === 'nothing_captured') return { status: 'nothing_moved', problem: 'nothing was captured with the card token, which is now revoked' }
  return { status: 'pending', problem: verdict.problem }
}

/** Evidence as JSON can hold it (bigints as decimal strings). */
function jsonSafe(evidence: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(evidence, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Record<string, unknown>
}
