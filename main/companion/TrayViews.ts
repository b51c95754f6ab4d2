import type * as Queue from '../approvals/Queue.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Period from '../ledger/Period.js'
import * as Settings from '../ledger/Settings.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as ApprovalsViews from './ApprovalsViews.js'

/**
 * What the tray shows at a glance, read from the queue and the ledger: what waits for the human,
 * what was spent today, and whether payments are paused. The desktop app draws it; it reads no
 * ledger of its own.
 */
export type Glance = {
  /** Waiting payments, oldest first (at most {@link maxListed}), and how many wait in all. */
  waiting: Waiting[]
  waitingCount: number
  /** Today's spend, one amount per budget unit: `["$0.35"]`. */
  spentToday: string[]
  paused: boolean
  /** When "today" ends and the glance must be read again (epoch ms). */
  stale: number
}

export type Waiting = { paymentId: number; amount: string; target: string; host: string }

export const maxListed = 8

export function glance(companion: { db: Database; queue: Queue.Queue; registry: TokenRegistry.Registry }, now: Date): Glance {
  const { db, queue, registry } = companion
  const entries = queue.list()
  const waiting = entries.slice(0, maxListed).flatMap((entry) => {
    const approval = ApprovalsViews.approval(db, registry, entry, now)
    return approval ? [{ paymentId: approval.paymentId, amount: approval.options[0]!.amount, target: approval.target, host: approval.host }] : []
  })
  const today = Period.bounds('day', now)
  const spent = Payments.reservedByUnit(db, today)
  return {
    waiting,
    waitingCount: entries.length,
    spentToday: [...spent].map(([unit, amount]) => Units.format(amount, unit, registry)),
    paused: Settings.get(db).paused,
    stale: today.end,
  }
}
