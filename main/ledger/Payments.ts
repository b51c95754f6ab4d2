import { type Database, statement } from './Database.js'
import * as Scope from './Scope.js'
import type { Kind } from '../payments/Payment.js'
import type { Protocol } from '../payments/methods/Method.js'

/**
 * Payment rows: one per challenge a bridge asked about, moving
 * requested → approved | declined → signed → accepted | sent | failed → confirmed | failed | unconfirmed.
 * - `signed`: the credential was handed to the bridge; money may move from here on;
 * - `accepted`: the server answered with a receipt; the companion is checking the chain (or Stripe);
 * - `sent`: the credential reached the server, which refused it or never answered; the companion
 *   is checking that nothing moved (a refused credential can still be used);
 * - `confirmed`: the chain (or Stripe) shows the payment; `failed`: it is proven that nothing moved
 *   (the credential never left, or the check found it unused and no longer usable);
 * - `unconfirmed`: money may have moved and no check could say (a mismatch, no RPC, a timeout).
 * Rows are never deleted. A row reserves budget while money has moved or may move (every state
 * but requested, declined and failed); declining or failing it releases the reservation.
 */

export type State = 'requested' | 'approved' | 'declined' | 'signed' | 'sent' | 'accepted' | 'confirmed' | 'failed' | 'unconfirmed'

export const states: readonly State[] = ['requested', 'approved', 'declined', 'signed', 'sent', 'accepted', 'confirmed', 'failed', 'unconfirmed']

export const reserving: readonly State[] = ['approved', 'signed', 'sent', 'accepted', 'confirmed', 'unconfirmed']

/** States the settlement checks still have to resolve (the credential left; the truth is on chain or at Stripe). */
export const checking: readonly State[] = ['sent', 'accepted']

/**
 * SQL: the row's state is one of `states`, written as an OR chain: SQLite evaluates an IN list of
 * more than two constants by building a temporary b-tree each time the statement runs. A query
 * meant to use a partial index must spell its condition the same way (migration 5).
 */
export function stateIn(states: readonly State[]): string {
  return `(${states.map((state) => `state = '${assertState(state)}'`).join(' OR ')})`
}

/** The payment protocol a server asked in, and what a row asks of the wallet, as payments define them. */
export type { Protocol } from '../payments/methods/Method.js'
export type { Kind } from '../payments/Payment.js'

/** What the validated challenge says; absent when the challenge could not be validated. */
export type Details = {
  kind: Kind
  realm: string
  challengeId: string
  method: string
  /** The protocol of the alternative decided on (a server may offer both). */
  protocol: Protocol
  intent: string
  /** An x402 payment's scheme: `exact`, or `upto` (`amountAtomic` is then the ceiling approved); null for MPP. */
  scheme: string | null
  amountAtomic: bigint
  currency: string
  decimals: number
  symbol: string
  recipient: string | null
  chainId: number | null
  budgetUnit: string
  /** What the payment holds against budgets and leases: its amount in the budget unit, plus its fee. */
  budgetAmount: bigint
  flags: readonly string[]
  description: string | null
}

/** A network fee the wallet paid (or, while `estimated`, may pay at most), in its own token. */
export type Fee = { amountAtomic: bigint; currency: string; symbol: string; decimals: number; estimated: boolean }

export type Row = Scope.Context & {
  id: number
  createdAt: number
  updatedAt: number
  state: State
  /** The protocol the server asked in, even when its challenge could not be validated. */
  protocol: Protocol
  argumentsHash: string
  argumentsPreview: string | null
  details: Details | null
  /** The challenge id even when the challenge was invalid, if it had a readable one. */
  challengeId: string | null
  decision: 'approved' | 'declined' | null
  /** `rule:<id>`, `lease:<id>`, `budget:<id>`, `human` or `policy`. */
  decidedBy: string | null
  /** The lease this payment is charged to (and refunded to when it fails), if any. */
  leaseId: number | null
  decidedAt: number | null
  declineReason: string | null
  receiptReference: string | null
  error: string | null
  /** When the server accepted the credential (its receipt came back). */
  acceptedAt: number | null
  /** 1 for a host request's first challenge; a later round is a challenge after a credential was sent. */
  round: number
  /** The payment of the round before, in the same host request. */
  previousPaymentId: number | null
  /** What the credential committed to, public parts only (a nonce, a transaction hash), for the settlement checks. */
  evidence: Record<string, unknown> | null
  fee: Fee | null
  /** The amount that actually moved, when a check found it (a seller may capture less than approved). */
  settledAmountAtomic: bigint | null
  /** The transaction (or PaymentIntent) a check found the payment in. */
  transactionReference: string | null
  confirmedAt: number | null
}

/**
 * Writes a payment row as the decision leaves it (`requested`, `approved` or `declined`) and
 * returns its id. Call inside the deciding transaction.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const id = Payments.insert(db, {
 *   now: Date.now(),
 *   state: 'requested',
 *   context: { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' },
 *   argumentsHash: '9f2c…', // Arguments.hash of the call's arguments
 *   argumentsPreview: '{"query":"weather in Paris"}',
 * })
 * ```
 */
export function insert(db: Database, values: insert.Values): number {
  const { context, details, now, decision = null } = values
  // Positional parameters: binding 28 of them by name costs a fifth of the insert.
  const result = statement(db, `INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash,
        arguments_preview, decision, decided_by, decided_at, decline_reason, lease_id, challenge_id, realm, method, intent,
        amount_atomic, currency, decimals, symbol, recipient, chain_id, budget_unit, budget_amount, flags, description, round,
        previous_payment_id, fee_atomic, fee_currency, fee_symbol, fee_decimals, fee_estimated, protocol, scheme, kind)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`).run(
    now,
    now,
    values.state,
    context.host,
    context.upstream,
    context.operation,
    context.target,
    values.argumentsHash,
    values.argumentsPreview ?? null,
    decision,
    values.decidedBy ?? null,
    decision ? now : null,
    values.declineReason ?? null,
    values.leaseId ?? null,
    details?.challengeId ?? values.challengeId ?? null,
    details?.realm ?? null,
    details?.method ?? null,
    details?.intent ?? null,
    details?.amountAtomic.toString() ?? null,
    details?.currency ?? null,
    details?.decimals ?? null,
    details?.symbol ?? null,
    details?.recipient ?? null,
    details?.chainId ?? null,
    details?.budgetUnit ?? null,
    details?.budgetAmount.toString() ?? null,
    JSON.stringify(details?.flags ?? []),
    details?.description ?? null,
    values.round ?? 1,
    values.previousPaymentId ?? null,
    values.fee?.amountAtomic.toString() ?? null,
    values.fee?.currency ?? null,
    values.fee?.symbol ?? null,
    values.fee?.decimals ?? null,
    values.fee?.estimated ? 1 : 0,
    details?.protocol ?? values.protocol ?? 'mpp',
    details?.scheme ?? null,
    details?.kind ?? 'payment',
  )
  return Number(result.lastInsertRowid)
}

export declare namespace insert {
  type Values = {
    now: number
    state: 'requested' | 'approved' | 'declined'
    context: Scope.Context
    argumentsHash: string
    argumentsPreview?: string | null | undefined
    details?: Details | null | undefined
    challengeId?: string | null | undefined
    decision?: 'approved' | 'declined' | undefined
    decidedBy?: string | undefined
    declineReason?: string | undefined
    leaseId?: number | undefined
    round?: number | undefined
    previousPaymentId?: number | undefined
    fee?: Fee | undefined
    /** For a row without details: the protocol the server asked in (default `mpp`). */
    protocol?: Protocol | undefined
  }
}

/**
 * One payment row, with its challenge's details, decision, outcome and settlement.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const row = Payments.get(db, 12)
 * if (row?.details) row.details.amountAtomic // what the validated challenge asked, in atomic units
 * ```
 */
export function get(db: Database, id: number): Row | undefined {
  const row = statement(db, 'SELECT * FROM payments WHERE id = ?').get(id) as Sql | undefined
  return row && fromSql(row)
}

/**
 * Newest first.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const recent = Payments.list(db, { upstream: 'https://tools.example.com/mcp', states: ['confirmed', 'unconfirmed'], limit: 5 })
 * const found = Payments.list(db, { search: '#12' }) // payment 12, or rows whose call, server or references contain "#12"
 * ```
 */
export function list(db: Database, filters: list.Filters = {}): Row[] {
  const { sql, values } = where(filters)
  const rows = statement(db, `SELECT * FROM payments ${sql} ORDER BY id DESC LIMIT @limit`).all({ ...values, limit: filters.limit ?? -1 }) as Sql[]
  return rows.map(fromSql)
}

export declare namespace list {
  type Filters = {
    states?: readonly State[]
    upstream?: string
    host?: string
    operation?: Scope.Operation
    target?: string
    since?: number
    until?: number
    /** Text in the call, server, host, recipient, receipt or transaction reference or challenge id (case-insensitive), or the payment's id (`12`, `#12`). */
    search?: string
    limit?: number
  }
}

/** The row that a check (or a subscription's charge) found in this transaction, if any. */
export function byTransaction(db: Database, transaction: string): Row | undefined {
  const row = statement(db, 'SELECT * FROM payments WHERE lower(transaction_reference) = lower(?) LIMIT 1').get(transaction) as Sql | undefined
  return row && fromSql(row)
}

/** The rows `decidedBy` decided (`subscription:<id>`: that subscription's later charges), oldest first. */
export function decidedBy(db: Database, decidedBy: string): Row[] {
  return (statement(db, 'SELECT * FROM payments WHERE decided_by = ? ORDER BY id').all(decidedBy) as Sql[]).map(fromSql)
}

/** How many rows `filters` selects. */
export function count(db: Database, filters: Omit<list.Filters, 'limit'> = {}): number {
  const { sql, values } = where(filters)
  return statement(db, `SELECT count(*) FROM payments ${sql}`).pluck().get(values) as number
}

/** The `WHERE` clause (empty when nothing filters) selecting the rows `filters` names, and its named values. */
export function where(filters: Omit<list.Filters, 'limit'>): { sql: string; values: Record<string, string | number> } {
  const conditions: string[] = []
  if (filters.states) conditions.push(stateIn(filters.states))
  if (filters.upstream !== undefined) conditions.push('upstream = @upstream')
  if (filters.host !== undefined) conditions.push('host = @host')
  if (filters.operation !== undefined) conditions.push('operation = @operation')
  if (filters.target !== undefined) conditions.push('target = @target')
  if (filters.since !== undefined) conditions.push('created_at >= @since')
  if (filters.until !== undefined) conditions.push('created_at < @until')
  const searchId = filters.search === undefined ? undefined : /^#?(\d{1,15})$/.exec(filters.search)?.[1]
  if (filters.search !== undefined) conditions.push(`(${searched.map((column) => `instr(lower(${column}), lower(@search)) > 0`).join(' OR ')}${searchId ? ' OR id = @searchId' : ''})`)
  const { upstream, host, operation, target, since, until, search } = filters
  const values = Object.fromEntries(
    Object.entries({ upstream, host, operation, target, since, until, search, searchId: searchId && Number(searchId) }).filter(([, value]) => value !== undefined),
  )
  return { sql: conditions.length ? `WHERE ${conditions.join(' AND ')}` : '', values: values as Record<string, string | number> }
}

/** The columns a history's search looks in. */
const searched = ['target', 'upstream', 'host', 'recipient', 'receipt_reference', 'transaction_reference', 'challenge_id'] as const


/** The upstreams that payment rows name, sorted. */
export function upstreams(db: Database): string[] {
  return statement(db, 'SELECT DISTINCT upstream FROM payments ORDER BY upstream').pluck().all() as string[]
}

/** The hosts, upstreams and calls that payment rows name, sorted: what a history can be filtered by. */
export function seen(db: Database): seen.ReturnType {
  const column = (name: 'host') => statement(db, `SELECT DISTINCT ${name} FROM payments ORDER BY ${name}`).pluck().all() as string[]
  const calls = statement(db, 'SELECT DISTINCT upstream, operation, target FROM payments ORDER BY target, operation, upstream').all() as seen.Call[]
  return { hosts: column('host'), upstreams: upstreams(db), calls }
}

export declare namespace seen {
  type Call = { upstream: string; operation: Scope.Operation; target: string }
  type ReturnType = { hosts: string[]; upstreams: string[]; calls: Call[] }
}

/**
 * Moves a row from one of `from` to `to`, setting the given columns. Returns false (and changes
 * nothing) when the row is not in one of `from`, so two racing answers cannot both win.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const now = Date.now()
 * const declined = Payments.transition(db, 12, {
 *   from: ['requested'],
 *   to: 'declined',
 *   now,
 *   fields: { decision: 'declined', decidedBy: 'human', decidedAt: now, declineReason: 'declined_by_user' },
 * })
 * // false when payment 12 was no longer requested: a timeout or another window answered first
 * ```
 */
export function transition(db: Database, id: number, change: transition.Change): boolean {
  const { from, to, now, fields = {} } = change
  const sets = ['state = @to', 'updated_at = @now']
  const values: Record<string, unknown> = { id, to: assertState(to), now }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    const column = columns[key as keyof transition.Fields]
    sets.push(`${column} = @${key}`)
    values[key] = typeof value === 'bigint' ? value.toString() : Array.isArray(value) ? JSON.stringify(value) : value
  }
  return statement(db, `UPDATE payments SET ${sets.join(', ')} WHERE id = @id AND ${stateIn(from)}`).run(values).changes === 1
}

export declare namespace transition {
  type Fields = Partial<Details> & {
    decision?: 'approved' | 'declined'
    decidedBy?: string
    decidedAt?: number
    declineReason?: string
    leaseId?: number
    receiptReference?: string | null
    error?: string
    acceptedAt?: number
    evidence?: string
    feeAtomic?: bigint
    feeCurrency?: string
    feeSymbol?: string
    feeDecimals?: number
    feeEstimated?: number
    settledAmountAtomic?: bigint
    transactionReference?: string
    confirmedAt?: number
  }
  type Change = { from: readonly State[]; to: State; now: number; fields?: Fields }
}

/** The reserved total (approved + signed + settled + unconfirmed) of `unit` decided in `[start, end)` within `scope`. */
export function reserved(db: Database, parameters: reserved.Parameters): bigint {
  const { unit, start, end, scope } = parameters
  const total = statement(db, `SELECT bigsum(budget_amount) FROM payments
      WHERE budget_unit = @unit AND decided_at >= @start AND decided_at < @end
        AND ${stateIn(reserving)}
        AND (@upstream IS NULL OR upstream = @upstream)
        AND (@target IS NULL OR (operation = @operation AND target = @target))
        AND (@host IS NULL OR host = @host)`)
    .pluck()
    .get({ unit, start, end, upstream: scope.upstream, operation: scope.operation, target: scope.target, host: scope.host }) as string
  return BigInt(total)
}

export declare namespace reserved {
  type Parameters = { unit: string; start: number; end: number; scope: Scope.Normalized }
}

/** The reserved total per budget unit of everything decided in `[start, end)`, over all scopes. */
export function reservedByUnit(db: Database, parameters: { start: number; end: number }): Map<string, bigint> {
  const rows = statement(db, `SELECT budget_unit AS unit, bigsum(budget_amount) AS total FROM payments
      WHERE decided_at >= @start AND decided_at < @end AND ${stateIn(reserving)}
      GROUP BY budget_unit ORDER BY budget_unit`).all(parameters) as { unit: string; total: string }[]
  return new Map(rows.map(({ unit, total }) => [unit, BigInt(total)]))
}

/** How many times this exact call (same arguments) was approved since `since`. */
export function recentApprovals(db: Database, parameters: recentApprovals.Parameters): number {
  return statement(db, `SELECT count(*) FROM payments WHERE decision = 'approved' AND arguments_hash = @argumentsHash
        AND decided_at >= @since AND upstream = @upstream AND operation = @operation AND target = @target`)
    .pluck()
    .get(parameters) as number
}

export declare namespace recentApprovals {
  type Parameters = { argumentsHash: string; since: number; upstream: string; operation: Scope.Operation; target: string }
}

/** Whether a payment to this upstream was ever approved (by a human or a rule). */
export function seenUpstream(db: Database, upstream: string): boolean {
  // A shared address is not a payment: it makes no server or recipient known.
  return statement(db, `SELECT 1 FROM payments WHERE decision = 'approved' AND upstream = ? AND kind = 'payment' LIMIT 1`).pluck().get(upstream) === 1
}

/**
 * Whether a payment to this recipient (an address, compared case-insensitively, or a Stripe
 * profile) was ever approved for this upstream: a recipient is known per server.
 */
export function seenRecipient(db: Database, upstream: string, recipient: string): boolean {
  return (
    statement(db, `SELECT 1 FROM payments WHERE decision = 'approved' AND upstream = ? AND lower(recipient) = ? AND kind = 'payment' LIMIT 1`)
      .pluck()
      .get(upstream, recipient.toLowerCase()) === 1
  )
}

/**
 * How many challenges this upstream sent after a credential, within a host request, in the week
 * before `now`: what the card and the Servers screen flag a server by.
 */
export function rechallenges(db: Database, upstream: string, now: number): number {
  const since = now - 7 * 24 * 60 * 60_000
  return statement(db, 'SELECT count(*) FROM payments WHERE round > 1 AND upstream = ? AND created_at >= ?').pluck().get(upstream, since) as number
}

/** The rows the settlement checks still have to resolve, oldest first. */
export function unresolved(db: Database): Row[] {
  return (statement(db, `SELECT * FROM payments WHERE ${stateIn(checking)} ORDER BY id`).all() as Sql[]).map(fromSql)
}

const columns = {
  kind: 'kind',
  realm: 'realm',
  challengeId: 'challenge_id',
  method: 'method',
  protocol: 'protocol',
  intent: 'intent',
  scheme: 'scheme',
  amountAtomic: 'amount_atomic',
  currency: 'currency',
  decimals: 'decimals',
  symbol: 'symbol',
  recipient: 'recipient',
  chainId: 'chain_id',
  budgetUnit: 'budget_unit',
  budgetAmount: 'budget_amount',
  flags: 'flags',
  description: 'description',
  decision: 'decision',
  decidedBy: 'decided_by',
  decidedAt: 'decided_at',
  declineReason: 'decline_reason',
  leaseId: 'lease_id',
  receiptReference: 'receipt_reference',
  error: 'error',
  acceptedAt: 'accepted_at',
  evidence: 'evidence',
  feeAtomic: 'fee_atomic',
  feeCurrency: 'fee_currency',
  feeSymbol: 'fee_symbol',
  feeDecimals: 'fee_decimals',
  feeEstimated: 'fee_estimated',
  settledAmountAtomic: 'settled_amount_atomic',
  transactionReference: 'transaction_reference',
  confirmedAt: 'confirmed_at',
} as const satisfies Record<keyof transition.Fields, string>

function assertState(state: State): State {
  if (!states.includes(state)) throw new Error(`Unknown payment state ${JSON.stringify(state)}.`)
  return state
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Row {
  const s = (key: string) => row[key] as string
  const n = (key: string) => row[key] as number
  const details: Details | null =
    row.amount_atomic === null
      ? null
      : {
          kind: s('kind') as Kind,
          realm: s('realm'),
          challengeId: s('challenge_id'),
          method: s('method'),
          protocol: s('protocol') as Protocol,
          intent: s('intent'),
          scheme: s('scheme'),
          amountAtomic: BigInt(s('amount_atomic')),
          currency: s('currency'),
          decimals: n('decimals'),
          symbol: s('symbol'),
          recipient: s('recipient'),
          chainId: n('chain_id'),
          budgetUnit: s('budget_unit'),
          budgetAmount: BigInt(s('budget_amount')),
          flags: JSON.parse(s('flags')) as string[],
          description: s('description'),
        }
  return {
    id: n('id'),
    createdAt: n('created_at'),
    updatedAt: n('updated_at'),
    state: s('state') as State,
    protocol: s('protocol') as Protocol,
    host: s('host'),
    upstream: s('upstream'),
    operation: s('operation') as Scope.Operation,
    target: s('target'),
    argumentsHash: s('arguments_hash'),
    argumentsPreview: s('arguments_preview'),
    details,
    challengeId: s('challenge_id'),
    decision: s('decision') as Row['decision'],
    decidedBy: s('decided_by'),
    leaseId: n('lease_id'),
    decidedAt: n('decided_at'),
    declineReason: s('decline_reason'),
    receiptReference: s('receipt_reference'),
    error: s('error'),
    acceptedAt: n('accepted_at'),
    round: n('round'),
    previousPaymentId: n('previous_payment_id'),
    evidence: row.evidence === null ? null : (JSON.parse(s('evidence')) as Record<string, unknown>),
    fee:
      row.fee_atomic === null
        ? null
        : { amountAtomic: BigInt(s('fee_atomic')), currency: s('fee_currency'), symbol: s('fee_symbol'), decimals: n('fee_decimals'), estimated: row.fee_estimated === 1 },
    settledAmountAtomic: row.settled_amount_atomic === null ? null : BigInt(s('settled_amount_atomic')),
    transactionReference: s('transaction_reference'),
    confirmedAt: n('confirmed_at'),
  }
}

/** The currencies payments were ever approved in (whose balances the wallet watches). */
export function currencies(db: Database): string[] {
  return statement(db, `SELECT DISTINCT currency FROM payments WHERE decision = 'approved' AND currency IS NOT NULL`).pluck().all() as string[]
}
