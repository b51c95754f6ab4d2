import { Notification } from 'electron'
import type { PaymentEvent } from '../companion/Companion.js'
import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Notifications from './Notifications.js'

/**
 * Sends the notices {@link Notifications} decides on as native notifications, following the
 * companion's payment events. A click opens the main window.
 */
export type Companion = {
  db: Database
  registry: TokenRegistry.Registry
  onPayment(listener: (event: PaymentEvent) => void): () => void
}

/** Payments settling within this window make one notice. */
export const gatherMs = 1500

export function start(companion: Companion, options: { onClick(): void }): () => void {
  const { db } = companion
  /** The level each budget was told in its current period, by `<budget id>:<period start>`. */
  const told = new Map<string, Notifications.Level>()
  let settled: number[] = []
  let gathering: NodeJS.Timeout | undefined

  const send = (notice: Notifications.Notice) => {
    if (!Notification.isSupported()) return
    const notification = new Notification(notice)
    notification.on('click', () => options.onClick())
    notification.show()
  }

  const checkBudgets = (paymentId: number) => {
    const row = Payments.get(db, paymentId)
    if (!row?.details) return
    const now = new Date()
    for (const budget of Budgets.matching(db, row, row.details.budgetUnit)) {
      const { used, start } = Budgets.usage(db, budget, now)
      const key = `${budget.id}:${start}`
      const before = used > row.details.budgetAmount ? used - row.details.budgetAmount : 0n
      const result = Notifications.forBudget(budget, { before, after: used, told: told.get(key) }, companion.registry)
      if (!result) continue
      told.set(key, result.level)
      send(result.notice)
    }
  }

  const tellSettled = () => {
    gathering = undefined
    const rows = settled.flatMap((id) => Payments.get(db, id) ?? [])
    settled = []
    const notice = Notifications.forPayments(rows, companion.registry)
    if (notice) send(notice)
  }

  // The companion logs a listener's failure and carries on with the payment.
  const stop = companion.onPayment((event) => {
    if (event.stage === 'approved') checkBudgets(event.paymentId)
    if (event.stage === 'unconfirmed') {
      const row = Payments.get(db, event.paymentId)
      if (row) send(Notifications.forUnconfirmed(row))
    }
    if (event.stage === 'confirmed') {
      settled.push(event.paymentId)
      gathering ??= setTimeout(tellSettled, gatherMs)
    }
  })
  return () => {
    stop()
    clearTimeout(gathering)
  }
}
