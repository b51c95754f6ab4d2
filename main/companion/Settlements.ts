import * as Outcome from '../approvals/Outcome.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Amount from '../payments/Amount.js'
import type * as Challenge from '../payments/Challenge.js'
import * as Methods from '../payments/methods/Methods.js'
import type * as Settlement from '../payments/Settlement.js'
import type * as Signer from '../payments/Signer.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
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
  /** What each method keeps in memory only until its payment is resolved (a card's token). */
  const inMemory = new Map<number, unknown>()
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
    inMemory.delete(paymentId)
    onChange(paymentId, stage)
  }

  const apply = (row: Payments.Row, verdict: Verdict, deadline: boolean) => {
    const now = Date.now()
    const details = row.details!
    const toBudget = (amount: bigint) => Amount.toBudget(amount, details.decimals, details.budgetUnit)
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
      verdict = await look(row, { inMemory, config: config(), registry: registry() })
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
    // A session voucher moves money only when its channel closes: the channel's close confirms it (Sessions.ts).
    const row = Payments.get(db, paymentId)
    if (row?.details?.intent === 'session' && row.evidence?.action === 'voucher') return
    schedule(paymentId, 0, Date.now(), 0)
  }

  return {
    track(paymentId, payment, credential, { payer, card }) {
      out.set(paymentId, Date.now())
      const { evidence, kept } = Methods.get(payment.method).track({ payment, credential, payer, card })
      if (kept !== undefined) inMemory.set(paymentId, kept)
      return evidence
    },
    watch,
    forget(paymentId) {
      inMemory.delete(paymentId)
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
      inMemory.clear()
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

/** What a check found (see `Settlement.Finding`). */
type Verdict = Settlement.Finding

type Context = { inMemory: Map<number, unknown>; config: Config.Config; registry: TokenRegistry.Registry }

/** The payment's method checks it, with what it kept. An identity proof is a signature that moves nothing: its server's answer is the whole story. */
async function look(row: Payments.Row, context: Context): Promise<Verdict> {
  const details = row.details!
  if (details.kind === 'proof') return row.state === 'accepted' ? { status: 'confirmed', transaction: '', amount: 0n } : { status: 'nothing_moved', problem: 'an identity proof moves no money' }
  const method = Methods.find(details.method)
  if (!method) return { status: 'mismatch', problem: `Allowance cannot check ${details.method} payments.` }
  const { amountAtomic: amount, currency, recipient, chainId } = details
  return method.confirm({
    payment: { amount, currency, recipient, chainId },
    evidence: row.evidence ?? {},
    kept: context.inMemory.get(row.id),
    reference: row.receiptReference ?? undefined,
    refused: row.state === 'sent',
    rpc: context.config.rpc,
  })
}
