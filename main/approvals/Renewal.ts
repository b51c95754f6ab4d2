import { immediate, type Database } from '../ledger/Database.js'
import * as Budgets from '../ledger/Budgets.js'
import * as Payments from '../ledger/Payments.js'
import * as Subscriptions from '../ledger/Subscriptions.js'
import * as Amount from '../payments/Amount.js'

/**
 * A subscription's later charge, found on chain (the server makes it with the access key the wallet
 * authorized; nothing is asked): one confirmed ledger row per charge, decided by `subscription:<id>`,
 * counted against budgets like any payment, fee included. Each is held to the approved terms: more
 * than the amount, or a second charge within one period, is recorded with the sentence that says so.
 * Periods are measured between the charges' block times (`previous`: the subscription's charge
 * before this one on chain), never against a clock of this machine.
 *
 * @example
 * ```ts
 * import * as Database from '../ledger/Database.js'
 * import * as Subscriptions from '../ledger/Subscriptions.js'
 * import * as Renewal from './Renewal.js'
 *
 * const db = Database.open(':memory:')
 * declare const subscription: Subscriptions.Subscription // approved: 9 USDC every 30 days
 * declare const charge: Renewal.Charge // a transfer the server made with the access key, read from the chain
 * const recorded = Renewal.record(db, subscription, charge, undefined) // undefined when this transaction is booked already
 * recorded?.beyondTerms // e.g. a second charge within one period, in a sentence
 * ```
 */
export type Charge = { transaction: string; amount: bigint; at: number; fee?: { fee: Payments.Fee; budgetAmount: bigint } | undefined; memo?: string | undefined }

/** Records `charge` unless the ledger has it already; the new row's id, and what breaks the terms, if anything. */
export function record(db: Database, subscription: Subscriptions.Subscription, charge: Charge, previous: number | undefined): record.ReturnType | undefined {
  return immediate(db, recordNow)(db, subscription, charge, previous)
}

export declare namespace record {
  type ReturnType = { paymentId: number; beyondTerms?: string | undefined }
}

function recordNow(db: Database, subscription: Subscriptions.Subscription, charge: Charge, previous: number | undefined): record.ReturnType | undefined {
  if (Payments.byTransaction(db, charge.transaction)) return undefined
  const first = Payments.get(db, subscription.paymentId)
  if (!first?.details) return undefined
  const { details } = first
  // The first charge pays the approved challenge: the settlement checks confirm its own row.
  const nonce = first.evidence?.challengeNonce
  if (typeof nonce === 'string' && charge.memo?.toLowerCase().endsWith(nonce.slice(2).toLowerCase())) return undefined
  const beyondTerms = breach(subscription, charge, previous, details)
  const price = Amount.toBudget(charge.amount, details.decimals, details.budgetUnit)
  const held = price + (charge.fee?.budgetAmount ?? 0n)
  const context = { host: first.host, upstream: first.upstream, operation: first.operation, target: first.target }
  const paymentId = Payments.insert(db, {
    now: charge.at,
    state: 'approved',
    decision: 'approved',
    decidedBy: `subscription:${subscription.id}`,
    context,
    argumentsHash: first.argumentsHash,
    argumentsPreview: first.argumentsPreview,
    details: { ...details, challengeId: `${details.challengeId}#${charge.transaction.slice(0, 18)}`, amountAtomic: charge.amount, budgetAmount: held },
    fee: charge.fee?.fee,
  })
  Budgets.reserve(db, { context, unit: details.budgetUnit, amount: held, now: new Date(charge.at) })
  const fields = { transactionReference: charge.transaction, settledAmountAtomic: charge.amount, confirmedAt: charge.at, ...(beyondTerms && { error: beyondTerms }) }
  Payments.transition(db, paymentId, { from: ['approved'], to: 'confirmed', now: charge.at, fields })
  return { paymentId, ...(beyondTerms && { beyondTerms }) }
}

/** Block times are whole seconds: a renewal up to one second short of the period is still that period's. */
const slackMs = 1_000

function breach(subscription: Subscriptions.Subscription, charge: Charge, previous: number | undefined, details: Payments.Details): string | undefined {
  const amount = (atomic: bigint) => Amount.formatWithSymbol(atomic, details)
  if (charge.amount > subscription.amountAtomic) return `The server charged ${amount(charge.amount)}, more than the ${amount(subscription.amountAtomic)} a period you approved.`
  if (previous !== undefined && charge.at - previous < subscription.periodSeconds * 1000 - slackMs) return 'The server charged again before the period you approved had passed.'
  if (subscription.cancelledAt !== null && charge.at > subscription.cancelledAt) return 'The server charged after you cancelled the subscription.'
  return undefined
}
