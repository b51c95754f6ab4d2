import { type Database, statement } from './Database.js'

/**
 * Subscriptions the human approved: the terms the wallet authorized a server to charge (an amount
 * of a token every period, until an end), the payment row of the first charge, and whether the
 * user cancelled. A server's later subscription challenge is held to the terms in force.
 */
export type Subscription = {
  id: number
  paymentId: number
  upstream: string
  recipient: string
  /** The ledger's currency key (`<chainId>:<address>`). */
  currency: string
  amountAtomic: bigint
  periodCount: number
  periodUnit: string
  periodSeconds: number
  expiresAt: number
  accessKey: string
  createdAt: number
  cancelledAt: number | null
  /** What cancelling did beyond the ledger: the access key revoked on chain, or why not. */
  cancelOutcome: string | null
}

/** Records an approved subscription; call in the transaction that approves its first charge. */
export function add(db: Database, values: Omit<Subscription, 'id' | 'cancelledAt' | 'cancelOutcome'>): Subscription {
  const id = statement(db, `INSERT INTO subscriptions (payment_id, upstream, recipient, currency, amount_atomic, period_count, period_unit, period_seconds,
        expires_at, access_key, created_at) VALUES (@paymentId, @upstream, @recipient, @currency, @amountAtomic, @periodCount, @periodUnit, @periodSeconds,
        @expiresAt, @accessKey, @createdAt)`).run({ ...values, amountAtomic: values.amountAtomic.toString() }).lastInsertRowid
  return get(db, Number(id))!
}

export function get(db: Database, id: number): Subscription | undefined {
  const row = statement(db, 'SELECT * FROM subscriptions WHERE id = ?').get(id) as Sql | undefined
  return row && fromSql(row)
}

/**
 * A subscription exists once its authorization may have left the wallet: one whose first payment
 * was declined or failed (nothing was signed, or it is proven unused) is no subscription at all.
 */
const authorized = `SELECT subscriptions.* FROM subscriptions JOIN payments ON payments.id = subscriptions.payment_id
  WHERE payments.state <> 'declined' AND payments.state <> 'failed'`

/** The terms in force with `upstream`: its newest subscription not cancelled nor ended. */
export function inForce(db: Database, upstream: string, now: number): Subscription | undefined {
  const row = statement(db, `${authorized} AND subscriptions.upstream = ? AND cancelled_at IS NULL AND expires_at > ? ORDER BY subscriptions.id DESC LIMIT 1`).get(upstream, now) as Sql | undefined
  return row && fromSql(row)
}

/** The user's cancel, in the ledger first: false when the subscription was already cancelled (or there is none). */
export function cancel(db: Database, id: number, now: number): boolean {
  return statement(db, 'UPDATE subscriptions SET cancelled_at = ? WHERE id = ? AND cancelled_at IS NULL').run(now, id).changes === 1
}

/** Notes what cancelling did beyond the ledger. */
export function cancelled(db: Database, id: number, outcome: string): void {
  statement(db, 'UPDATE subscriptions SET cancel_outcome = ? WHERE id = ?').run(outcome.slice(0, 500), id)
}

/** Every subscription that exists (see `authorized`), newest first. */
export function list(db: Database): Subscription[] {
  return (statement(db, `${authorized} ORDER BY subscriptions.id DESC`).all() as Sql[]).map(fromSql)
}

/**
 * When the server may charge next, counting whole periods from `anchor` (the first charge), or
 * undefined when the subscription ends (or was cancelled) before that.
 *
 * @example
 * ```ts
 * import * as Subscriptions from './Subscriptions.js'
 *
 * declare const monthly: Subscriptions.Subscription // 30 days, first charged on 1 March
 * Subscriptions.nextCharge(monthly, { anchor: Date.parse('2026-03-01'), now: Date.parse('2026-03-10') }) // 31 March
 * ```
 */
export function nextCharge(subscription: Pick<Subscription, 'periodSeconds' | 'expiresAt' | 'cancelledAt'>, at: { anchor: number; now: number }): number | undefined {
  if (subscription.cancelledAt !== null) return undefined
  const period = subscription.periodSeconds * 1000
  const next = at.anchor + (Math.floor(Math.max(0, at.now - at.anchor) / period) + 1) * period
  return next < subscription.expiresAt ? next : undefined
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Subscription {
  return {
    id: row.id as number,
    paymentId: row.payment_id as number,
    upstream: row.upstream as string,
    recipient: row.recipient as string,
    currency: row.currency as string,
    amountAtomic: BigInt(row.amount_atomic as string),
    periodCount: row.period_count as number,
    periodUnit: row.period_unit as string,
    periodSeconds: row.period_seconds as number,
    expiresAt: row.expires_at as number,
    accessKey: row.access_key as string,
    createdAt: row.created_at as number,
    cancelledAt: row.cancelled_at as number | null,
    cancelOutcome: row.cancel_outcome as string | null,
  }
}
