import { EventEmitter } from 'node:events'
import type { Database } from '../ledger/Database.js'
import * as Settings from '../ledger/Settings.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import type { Ask, Decision } from './Decision.js'
import * as Engine from './Engine.js'

/**
 * Payments waiting for a human, oldest first, in memory (the ledger row is `requested` meanwhile;
 * after a crash, recovery declines it). Each entry times out to a `timeout` decline. UIs subscribe
 * to `added` and `resolved`; every answer goes through {@link Engine.answer}.
 */
export type Entry = Ask & {
  /** When the entry was queued and when it times out, in epoch milliseconds. */
  queuedAt: number
  expiresAt: number
}

export type Events = {
  added: [entry: Entry]
  resolved: [entry: Entry, decision: Decision]
}

export type Queue = {
  /** Queues an `ask` decision; resolves with the final decision (approved, declined, timed out or cancelled). */
  add(ask: Ask): Promise<Decision>
  list(): Entry[]
  approve(paymentId: number, option?: Engine.answer.Option, challengeId?: string): Decision
  decline(paymentId: number): Decision
  declineAll(): Decision[]
  /** The agent host gave up on the call (`notifications/cancelled`, or its bridge went away). */
  cancel(paymentId: number): Decision | undefined
  /** Declines everything still waiting as `cancelled` and stops the timers (companion shutdown). */
  close(): void
  on<event extends keyof Events>(event: event, listener: (...args: Events[event]) => void): void
  off<event extends keyof Events>(event: event, listener: (...args: Events[event]) => void): void
}

/**
 * The approval queue on `db`: payments wait here for the human until approved, declined,
 * cancelled or timed out (`approvalTimeoutMs`, or `timeoutMs`).
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as TokenRegistry from '../payments/TokenRegistry.js'
 * import type { Ask } from './Decision.js'
 * import * as Queue from './Queue.js'
 *
 * const db = Database.open(':memory:')
 * const registry = TokenRegistry.create()
 * const queue = Queue.create({ db, registry: () => registry })
 * queue.on('added', (entry) => console.log(`payment ${entry.paymentId} waits until ${new Date(entry.expiresAt).toLocaleTimeString()}`))
 *
 * declare const ask: Ask // what Engine.decide answered for a call that waits for the human
 * const final = queue.add(ask) // settles with the human's answer, a timeout or a cancellation
 * queue.approve(ask.paymentId) // what the card's "Pay once" does
 * const { kind } = await final // 'approved'
 * ```
 */
export function create(parameters: create.Parameters): Queue {
  const { db, registry, feeOf, now = () => new Date() } = parameters
  const events = new EventEmitter<Events>()
  const pending = new Map<number, { entry: Entry; timer: NodeJS.Timeout; resolve: (decision: Decision) => void }>()

  const respond = (paymentId: number, response: Engine.answer.Response): Decision => {
    const waiting = pending.get(paymentId)
    if (!waiting) throw new Engine.NotPendingError(`Payment ${paymentId} is not waiting for approval.`)
    const { entry } = waiting
    let decision: Decision
    try {
      decision = Engine.answer(db, paymentId, response, { now: now(), registry: registry(), feeOf, alternatives: entry.options.alternatives })
    } catch (error) {
      // The row was answered elsewhere (another companion, or recovery): drop the stale entry.
      if (error instanceof Engine.NotPendingError) finish(paymentId, undefined)
      throw error
    }
    finish(paymentId, decision)
    return decision
  }

  const finish = (paymentId: number, decision: Decision | undefined) => {
    const waiting = pending.get(paymentId)
    if (!waiting) return
    pending.delete(paymentId)
    clearTimeout(waiting.timer)
    const final = decision ?? { kind: 'declined', paymentId, reason: 'cancelled', message: `Payment ${paymentId} is no longer pending.` }
    waiting.resolve(final)
    events.emit('resolved', waiting.entry, final)
  }

  const tryRespond = (paymentId: number, response: Engine.answer.Response): Decision | undefined => {
    try {
      return respond(paymentId, response)
    } catch (error) {
      if (error instanceof Engine.NotPendingError) return undefined
      throw error
    }
  }

  return {
    add(ask) {
      const timeoutMs = parameters.timeoutMs ?? Settings.get(db).approvalTimeoutMs
      const queuedAt = now().getTime()
      const entry: Entry = { ...ask, queuedAt, expiresAt: queuedAt + timeoutMs }
      return new Promise<Decision>((resolve) => {
        const timer = setTimeout(() => {
          try {
            tryRespond(ask.paymentId, { approve: false, reason: 'timeout' })
          } catch {
            // The ledger could not be written (the row stays `requested` for recovery); never leave the bridge waiting.
            finish(ask.paymentId, { kind: 'declined', paymentId: ask.paymentId, reason: 'timeout', message: 'Nobody approved the payment in time.' })
          }
        }, timeoutMs)
        pending.set(ask.paymentId, { entry, timer, resolve })
        events.emit('added', entry)
      })
    },
    list: () => [...pending.values()].map(({ entry }) => entry).sort((a, b) => a.queuedAt - b.queuedAt || a.paymentId - b.paymentId),
    approve: (paymentId, option = 'once', challengeId) =>
      respond(paymentId, challengeId === undefined ? { approve: true, option } : { approve: true, option, challengeId }),
    decline: (paymentId) => respond(paymentId, { approve: false, reason: 'declined_by_user' }),
    declineAll() {
      return [...pending.keys()].flatMap((id) => tryRespond(id, { approve: false, reason: 'declined_by_user' }) ?? [])
    },
    cancel: (paymentId) => tryRespond(paymentId, { approve: false, reason: 'cancelled' }),
    close() {
      for (const id of [...pending.keys()]) tryRespond(id, { approve: false, reason: 'cancelled' })
    },
    on: (event, listener) => void events.on(event, listener as never),
    off: (event, listener) => void events.off(event, listener as never),
  }
}

export declare namespace create {
  type Parameters = {
    db: Database
    /** The registry as of now (the user may add tokens while the companion runs). */
    registry: () => TokenRegistry.Registry
    /** The bound of each alternative's network fee, as the decision that queued it used. */
    feeOf?: Engine.decide.Options['feeOf']
    /** Overrides the `approvalTimeoutMs` setting. */
    timeoutMs?: number | undefined
    /** The clock; tests pass their own. */
    now?: (() => Date) | undefined
  }
}
