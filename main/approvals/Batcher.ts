import type { Database } from '../ledger/Database.js'
import type { Decision } from './Decision.js'
import * as Engine from './Engine.js'

/**
 * Decisions batched into shared transactions: the `Engine.decide` calls that arrive in the same
 * event-loop turn run in ONE `BEGIN IMMEDIATE` transaction, so they share one commit (the costly
 * part of a decision). Each still runs in its own savepoint, in arrival order, and sees the
 * budgets and leases the earlier ones reserved, so the batch cannot overspend; one that throws
 * rolls back alone. The policy (settings, rules, budgets) is read once per batch, under its write
 * lock. Results are handed out only after the commit: no bridge ever acts on a decision the
 * ledger does not hold.
 */
export function decide(db: Database, request: Engine.decide.Request, options: Engine.decide.Options): Promise<Decision> {
  return new Promise<Decision>((resolve, reject) => {
    let queue = queues.get(db)
    if (!queue) {
      queues.set(db, (queue = []))
      setImmediate(() => flush(db)) // after the I/O callbacks of this turn: every request read so far joins
    }
    queue.push({ request, options, resolve, reject })
  })
}

/** Most decisions in one transaction; the rest wait for the next turn, so a burst cannot stall the loop. */
const maxBatch = 256

type Job = { request: Engine.decide.Request; options: Engine.decide.Options; resolve(decision: Decision): void; reject(error: unknown): void }

const queues = new WeakMap<Database, Job[]>()

function flush(db: Database): void {
  const queue = queues.get(db)!
  const batch = queue.splice(0, maxBatch)
  if (queue.length) setImmediate(() => flush(db))
  else queues.delete(db)

  const outcomes: ({ ok: true; decision: Decision } | { ok: false; error: unknown })[] = []
  try {
    db.transaction(() => {
      // Read under the batch's write lock, once: no decision changes the policy, no other process can.
      const policy = Engine.policy(db)
      for (const { request, options } of batch) {
        try {
          outcomes.push({ ok: true, decision: Engine.decide(db, request, { ...options, policy }) }) // its own transaction nests as a savepoint
        } catch (error) {
          outcomes.push({ ok: false, error })
        }
      }
    }).immediate()
  } catch (error) {
    // BEGIN or COMMIT failed (another process held the lock past the busy timeout, a full disk): nothing was recorded.
    for (const job of batch) job.reject(error)
    return
  }
  batch.forEach((job, index) => {
    const outcome = outcomes[index]!
    if (outcome.ok) job.resolve(outcome.decision)
    else job.reject(outcome.error)
  })
}
