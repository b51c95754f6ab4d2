import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Scope from '../ledger/Scope.js'
import * as Subscriptions from '../ledger/Subscriptions.js'
import * as Amount from '../payments/Amount.js'
import type { SubscriptionView } from '../uiapi/Contract.js'

/**
 * The subscriptions the user approved, as Rules & budgets lists them: the terms, the state, the
 * next charge and the charges so far (each a payment row in History: the first, then the ones the
 * server made later). Only a charge the chain confirmed counts; the latest anchors the next.
 */
export function subscriptions(db: Database, now: number): SubscriptionView[] {
  return Subscriptions.list(db).map((subscription) => {
    const first = Payments.get(db, subscription.paymentId)
    const details = first?.details
    const charges = [first, ...Payments.decidedBy(db, `subscription:${subscription.id}`)].filter((row) => row?.state === 'confirmed')
    const latest = Math.max(...charges.map((row) => row!.confirmedAt ?? row!.createdAt))
    const state = subscription.cancelledAt !== null ? 'cancelled' : subscription.expiresAt <= now ? 'ended' : charges.length > 0 ? 'active' : 'activating'
    const next = charges.length === 0 ? undefined : Subscriptions.nextCharge(subscription, { anchor: latest, now })
    return {
      id: subscription.id,
      upstream: subscription.upstream,
      server: Scope.upstreamLabel(subscription.upstream),
      amount: details ? Amount.formatWithSymbol(subscription.amountAtomic, details) : `${subscription.amountAtomic} atomic units`,
      period: periodWords(subscription),
      state,
      nextChargeAt: state === 'active' ? (next ?? null) : null,
      charges: charges.length,
      firstPaymentId: subscription.paymentId,
      expiresAt: subscription.expiresAt,
      cancelledAt: subscription.cancelledAt,
      cancelOutcome: subscription.cancelOutcome,
    }
  })
}

/** "every 30 days", "every week", "every 5 seconds (a test unit)" */
export function periodWords(terms: { periodCount: number; periodUnit: string }): string {
  const { periodCount: count, periodUnit: unit } = terms
  const word = unit === 'dev_second' ? 'second' : unit
  const test = unit === 'dev_second' ? ' (a test unit)' : ''
  return count === 1 ? `every ${word}${test}` : `every ${count} ${word}s${test}`
}
