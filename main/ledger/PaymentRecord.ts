import * as Amount from '../payments/Amount.js'
import * as Csv from '../shared/Csv.js'
import type * as Payments from './Payments.js'

/**
 * A payment row as scripts read it: each key of `allowance history --json`, each column of its
 * `--csv` and of the UI's CSV download. Times are ISO 8601, amounts exact decimal strings.
 */
export const columns = [
  'id',
  'created_at',
  'state',
  'host',
  'upstream',
  'operation',
  'target',
  'arguments',
  'protocol',
  'method',
  'scheme',
  'amount',
  'symbol',
  'amount_atomic',
  'decimals',
  'currency',
  'chain_id',
  'recipient',
  'fee',
  'fee_symbol',
  'fee_atomic',
  'settled_amount_atomic',
  'budget_unit',
  'budget_amount',
  'decision',
  'decided_by',
  'decided_at',
  'decline_reason',
  'receipt_reference',
  'transaction',
  'round',
  'error',
  'accepted_at',
  'confirmed_at',
  'kind',
] as const

export type PaymentRecord = { [column in (typeof columns)[number]]: string | number | null }

/**
 * A payment row as `allowance history --json` prints it: every column, times as ISO 8601, amounts as exact decimals.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as PaymentRecord from './PaymentRecord.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const json = JSON.stringify(Payments.list(db, { limit: 20 }).map(PaymentRecord.from)) // what `allowance history --json` prints
 * ```
 */
export function from(row: Payments.Row): PaymentRecord {
  const iso = (time: number | null) => (time === null ? null : new Date(time).toISOString())
  const details = row.details
  return {
    id: row.id,
    created_at: iso(row.createdAt),
    state: row.state,
    host: row.host,
    upstream: row.upstream,
    operation: row.operation,
    target: row.target,
    arguments: row.argumentsPreview,
    protocol: row.protocol,
    method: details?.method ?? null,
    scheme: details?.scheme ?? null,
    amount: details ? Amount.format(details.amountAtomic, details.decimals) : null,
    symbol: details?.symbol ?? null,
    amount_atomic: details?.amountAtomic.toString() ?? null,
    decimals: details?.decimals ?? null,
    currency: details?.currency ?? null,
    chain_id: details?.chainId ?? null,
    recipient: details?.recipient ?? null,
    fee: row.fee ? Amount.format(row.fee.amountAtomic, row.fee.decimals) : null,
    fee_symbol: row.fee?.symbol ?? null,
    fee_atomic: row.fee?.amountAtomic.toString() ?? null,
    settled_amount_atomic: row.settledAmountAtomic?.toString() ?? null,
    budget_unit: details?.budgetUnit ?? null,
    budget_amount: details?.budgetAmount.toString() ?? null,
    decision: row.decision,
    decided_by: row.decidedBy,
    decided_at: iso(row.decidedAt),
    decline_reason: row.declineReason,
    receipt_reference: row.receiptReference,
    transaction: row.transactionReference,
    round: row.round,
    error: row.error,
    accepted_at: iso(row.acceptedAt),
    confirmed_at: iso(row.confirmedAt),
    kind: details?.kind ?? null,
  }
}

/** A row's amount as people read it: "0.01 USDC", or for an identity proof (nothing moves) what it gave away. */
export function amountText(details: Payments.Details): string {
  return details.kind === 'proof' ? 'address shown, no money' : Amount.formatWithSymbol(details.amountAtomic, details)
}

/**
 * The rows as CSV with every column, header first.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as PaymentRecord from './PaymentRecord.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const text = PaymentRecord.csv(Payments.list(db, { states: ['confirmed'] })) // 'id,created_at,…' then a line a payment
 * ```
 */
export function csv(rows: readonly Payments.Row[]): string {
  return Csv.write(rows.map(from), columns)
}
