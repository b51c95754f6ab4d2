import type { Database } from '../ledger/Database.js'
import * as Channels from '../ledger/Channels.js'
import * as Amount from '../payments/Amount.js'
import type * as Challenge from '../payments/Challenge.js'

/**
 * What paying a `session` call does to its channel, decided with the ledger's channels in the
 * deciding transaction: open one with a deposit, sign the next voucher of the live channel, or top
 * it up first when the voucher would exceed what it holds. Opening and topping up are payments of
 * the deposit like any other (the decision is about that amount: limits, rules, leases, budgets, the
 * card); a voucher is a payment of the call's price whose money the deposit already committed, so
 * it is checked against the limits and rules for its price and holds nothing more against budgets.
 *
 * @example
 * ```ts
 * import type * as Challenge from '../payments/Challenge.js'
 * import * as Database from '../ledger/Database.js'
 * import * as SessionPlan from './SessionPlan.js'
 *
 * const db = Database.open(':memory:')
 * declare const call: Challenge.Payment // a validated tempo session challenge: 0.001 per call, deposit 0.1 suggested
 * const planned = SessionPlan.plan(db, call, 'https://tools.example.com/mcp')
 * planned.session?.step // { action: 'open', deposit: 100000n }: no channel yet, so the decision is about the deposit
 * SessionPlan.held(planned) // 100000n held against budgets; a voucher of an open channel holds 0n
 * ```
 */
export function plan(db: Database, payment: Challenge.Payment, upstream: string): Challenge.Payment {
  const session = payment.session
  if (!session || payment.currency.kind !== 'token' || !payment.recipient) return payment
  const { price, suggestedDeposit = 0n } = session
  const channel = Channels.find(db, { upstream, escrow: session.escrow, currency: payment.currency.key, payee: payment.recipient })
  if (!channel || channel.state === 'closing') {
    const deposit = suggestedDeposit > price ? suggestedDeposit : price
    return withAmount(payment, deposit, { action: 'open', deposit })
  }
  const cumulative = channel.cumulative + price
  const holds = channel.deposit + (channel.topUp?.amount ?? 0n)
  if (cumulative <= holds) return { ...payment, session: { ...session, step: { action: 'voucher', channelId: channel.id, cumulative } } }
  const needed = cumulative - holds
  const additional = suggestedDeposit > needed ? suggestedDeposit : needed
  return withAmount(payment, additional, { action: 'topUp', channelId: channel.id, additional, cumulative })
}

/** What a planned payment holds against budgets and leases (before any fee): nothing more for a voucher. */
export function held(payment: Challenge.Payment): bigint {
  return payment.session?.step?.action === 'voucher' ? 0n : payment.budgetAmount
}

/** The payment as a payment of `amount` (a deposit or top-up), in its budget unit too. */
function withAmount(payment: Challenge.Payment, amount: bigint, step: NonNullable<Challenge.Payment['session']>['step']): Challenge.Payment {
  const budgetAmount = Amount.toBudget(amount, payment.currency.decimals, payment.budgetUnit)
  return { ...payment, amount, budgetAmount, session: { ...payment.session!, step } }
}
