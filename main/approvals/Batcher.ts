import type { Database } from '../ledger/Database.js'
import type { Decision } from './Decision.js'
import * as Engine from './Engine.js'
import * as Outcome from './Outcome.js'

/**
 * The companion's ledger writes batched into shared transactions: the decisions (`Engine.decide`)
 * and signed marks (`Outcome.signed`) that arrive in the same event-loop turn run in ONE
 * `BEGIN IMMEDIATE` transaction, so they share one commit (the costly part of a small write).
 * Each is atomic on its own (a decision in its own savepoint, a mark one UPDATE) and runs in
 * arrival order, so a decision sees the budgets and leases the earlier ones reserved and the
 * batch cannot overspend; one that throws rolls back alone. The policy (settings, rules, budgets)
 * is read once per batch, under its write lock. Results are handed out only after the commit: no
 * bridge ever acts on a decision, or gets a credential, that the ledger does not hold.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as TokenRegistry from '../payments/TokenRegistry.js'
 * import * as Batcher from './Batcher.js'
 * import type * as Engine from './Engine.js'
 *
 * const db = Database.open(':memory:')
 * declare const requests: Engine.decide.Request[] // the payment requests bridges sent in this turn
 * const options = { now: new Date(), registry: TokenRegistry.create() }
 * const decisions = await Promise.all(requests.map((request) => Batcher.decide(db, request, options))) // one transaction, one commit
 * ```
 */
export function decide(db: Database, request: Engine.decide.Request, options: Engine.decide.Options): Promise<Decision> {
  return enqueue(db, (batch) => Engine.decide(db, request, { ...options, policy: batch.policy() }))
}

/** {@link Outcome.signed}, committed with the turn's batch: resolves once the ledger holds the mark. */
export function signed(db: Database, paymentId: number, options: Parameters<typeof Outcome.signed>[2]): Promise<void> {
  return enqueue(db, () => Outcome.signed(db, paymentId, options))
}

/** Most jobs in one transaction; the rest wait for the next turn, so a burst cannot stall the loop. */
const maxBatch = 256

/** What the jobs of one transaction share. */
type Batch = { policy(): Engine.Policy }

type Job = { run(batch: Batch): unknown; resolve(result: unknown): void; reject(error: unknown): void }

const queues = new WeakMap<Database, Job[]>()

function enqueue<T>(db: Database, run: (batch: Batch) => T): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    let queue = queues.get(db)
    if (!queue) {
      queues.set(db, (queue = []))
      setImmediate(() => flush(db)) // after the I/O callbacks of this turn: every request read so far joins
    }
    queue.push({ run, resolve: resolve as (result: unknown) => void, reject })
  })
}

function flush(db: Database): void {
  const queue = queues.get(db)!
  const jobs = queue.splice(0, maxBatch)
  if (queue.length) setImmediate(() => flush(db))
  else queues.delete(db)

  const outcomes: ({ ok: true; result: unknown } | { ok: false; error: unknown })[] = []
  try {
    db.transaction(() => {
      // Read under the batch's write lock, once: no job changes the policy, no other process can.
      let policy: Engine.Policy | undefined
      const batch: Batch = { policy: () => (policy ??= Engine.policy(db)) }
      for (const job of jobs) {
        try {
          outcomes.push({ ok: true, result: job.run(batch) })
        } catch (error) {
          outcomes.push({ ok: false, error })
        }
      }
    }).immediate()
  } catch (error) {
    // BEGIN or COMMIT failed (another process held the lock past the busy timeout, a full disk): nothing was recorded.
    for (const job of jobs) job.reject(error)
    return
  }
  jobs.forEach((job, index) => {
    const outcome = outcomes[index]!
    if (outcome.ok) job.resolve(outcome.result)
    else job.reject(outcome.error)
  })
}
