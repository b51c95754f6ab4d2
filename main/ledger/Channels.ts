import { type Database, statement } from './Database.js'

/**
 * The wallet's tempo session channels (table `channels`, see migrations.ts): what each escrow
 * holds for a server, the highest voucher signed over it, and where it is in its life. Written
 * before anything the wallet signed for a channel leaves the companion, so that a restart at any
 * point knows every deposit and never signs a voucher below one already given.
 *
 * - `opening`: the open transaction is signed; the server has (or may have) broadcast it;
 * - `open`: the escrow holds the deposit; vouchers draw on it;
 * - `closing`: the wallet asked the escrow to close it; the server closes it, or the wallet
 *   withdraws after the grace period;
 * - `closed`: the escrow paid out (`settled` to the server, `refund` back to the wallet);
 * - `abandoned`: the open transaction never landed and no longer can: nothing moved.
 *
 * @example
 * ```ts
 * import * as Channels from './Channels.js'
 * import * as Database from './Database.js'
 *
 * const db = Database.open(':memory:')
 * declare const opened: Channels.add.Values // the deposit's channel, as the signed open transaction names it
 * Channels.add(db, opened) // state 'opening', before the open transaction leaves
 * Channels.raise(db, opened.id, { from: 0n, to: 10_000n, now: Date.now() }) // the first voucher; false if another moved it first
 * Channels.list(db) // the live ones: opening, open, closing
 * ```
 */
export type State = 'opening' | 'open' | 'closing' | 'closed' | 'abandoned'

export type Channel = {
  /** The escrow's channel id (bytes32, 0x…). */
  id: string
  upstream: string
  chainId: number
  escrow: string
  /** The TIP-20 token's address (column `asset`). */
  token: string
  /** The ledger's currency key (`<chainId>:<address>`). */
  currency: string
  payer: string
  payee: string
  salt: string
  state: State
  /** Atomic units the escrow holds (while opening: what the open transaction locks). */
  deposit: bigint
  /** The highest cumulative voucher signed. */
  cumulative: bigint
  /** A top-up signed and sent whose transaction is not yet seen on chain. */
  topUp: { amount: bigint; transaction: string; paymentId: number } | null
  /** When the pending open or top-up transaction stops being valid (ms of chain time). */
  validBefore: number | null
  /** The payment row of the deposit that opened it. */
  openPaymentId: number
  /** When the companion closes it unless the user does first (ms). */
  expiresAt: number
  createdAt: number
  updatedAt: number
  closeRequestedAt: number | null
  settled: bigint | null
  refund: bigint | null
  closeTransaction: string | null
  /** Network fees the wallet paid to close it (its close request, a withdrawal), in `currency`. */
  closeFee: bigint | null
  closedAt: number | null
}

/** The channels still holding (or about to hold) money. */
const live: readonly State[] = ['opening', 'open', 'closing']

export function add(db: Database, channel: add.Values): void {
  statement(db, `INSERT INTO channels (id, upstream, chain_id, escrow, asset, currency, payer, payee, salt, state, deposit, cumulative,
      valid_before, open_payment_id, expires_at, created_at, updated_at)
    VALUES (@id, @upstream, @chainId, @escrow, @token, @currency, @payer, @payee, @salt, 'opening', @deposit, @cumulative,
      @validBefore, @openPaymentId, @expiresAt, @now, @now)`).run({ ...channel, id: channel.id.toLowerCase(), deposit: channel.deposit.toString(), cumulative: channel.cumulative.toString() })
}

export declare namespace add {
  type Values = Pick<Channel, 'id' | 'upstream' | 'chainId' | 'escrow' | 'token' | 'currency' | 'payer' | 'payee' | 'salt' | 'deposit' | 'cumulative' | 'openPaymentId' | 'expiresAt'> & {
    validBefore: number
    now: number
  }
}

export function get(db: Database, id: string): Channel | undefined {
  const row = statement(db, 'SELECT * FROM channels WHERE id = ?').get(id.toLowerCase()) as Sql | undefined
  return row && fromSql(row)
}

export function list(db: Database, states: readonly State[] = live): Channel[] {
  return (statement(db, `SELECT * FROM channels WHERE ${stateIn(states)} ORDER BY created_at`).all() as Sql[]).map(fromSql)
}

/** The live channel that pays this server's `payee` in `currency` over `escrow`, if any (the newest). */
export function find(db: Database, where: { upstream: string; escrow: string; currency: string; payee: string }): Channel | undefined {
  const row = statement(db, `SELECT * FROM channels WHERE upstream = @upstream AND lower(escrow) = lower(@escrow) AND currency = @currency
      AND lower(payee) = lower(@payee) AND ${stateIn(live)} ORDER BY created_at DESC LIMIT 1`).get(where) as Sql | undefined
  return row && fromSql(row)
}

/**
 * Raises the highest voucher from `from` to `to`; false when another voucher moved it first (the
 * caller signs again over the new amount). Call in the transaction that marks the voucher signed.
 */
export function raise(db: Database, id: string, change: { from: bigint; to: bigint; now: number }): boolean {
  if (change.to <= change.from) throw new Error('A voucher can only raise what the channel has paid.')
  return (
    statement(db, 'UPDATE channels SET cumulative = @to, updated_at = @now WHERE id = @id AND cumulative = @from').run({
      id: id.toLowerCase(),
      from: change.from.toString(),
      to: change.to.toString(),
      now: change.now,
    }).changes === 1
  )
}

/** Changes a channel's columns (those given). */
export function update(db: Database, id: string, fields: update.Fields, now: number): void {
  const sets: string[] = ['updated_at = @now']
  const values: Record<string, string | number | null> = { id: id.toLowerCase(), now }
  for (const [key, value] of Object.entries(fields)) {
    if (value === undefined) continue
    const column = columns[key as keyof update.Fields]
    sets.push(`${column} = @${key}`)
    values[key] = typeof value === 'bigint' ? value.toString() : (value as string | number | null)
  }
  statement(db, `UPDATE channels SET ${sets.join(', ')} WHERE id = @id`).run(values)
}

export declare namespace update {
  type Fields = {
    state?: State
    deposit?: bigint
    topUp?: bigint | null
    topUpTransaction?: string | null
    topUpPaymentId?: number | null
    validBefore?: number | null
    expiresAt?: number
    closeRequestedAt?: number
    settled?: bigint
    refund?: bigint
    closeTransaction?: string
    closeFee?: bigint
    closedAt?: number
  }
}

const columns: Record<keyof update.Fields, string> = {
  state: 'state',
  deposit: 'deposit',
  topUp: 'top_up',
  topUpTransaction: 'top_up_transaction',
  topUpPaymentId: 'top_up_payment_id',
  validBefore: 'valid_before',
  expiresAt: 'expires_at',
  closeRequestedAt: 'close_requested_at',
  settled: 'settled',
  refund: 'refund',
  closeTransaction: 'close_transaction',
  closeFee: 'close_fee',
  closedAt: 'closed_at',
}

type Sql = Record<string, string | number | null>

/** An SQL condition on a channel's state; the states are this module's own constants, never input. */
function stateIn(states: readonly State[]): string {
  return states.length === 0 ? '0' : `state IN (${states.map((state) => `'${state}'`).join(', ')})`
}

function fromSql(row: Sql): Channel {
  const big = (value: string | number | null) => (value === null ? null : BigInt(value))
  return {
    id: row.id as string,
    upstream: row.upstream as string,
    chainId: row.chain_id as number,
    escrow: row.escrow as string,
    token: row.asset as string,
    currency: row.currency as string,
    payer: row.payer as string,
    payee: row.payee as string,
    salt: row.salt as string,
    state: row.state as State,
    deposit: BigInt(row.deposit as string),
    cumulative: BigInt(row.cumulative as string),
    topUp: row.top_up === null ? null : { amount: BigInt(row.top_up as string), transaction: row.top_up_transaction as string, paymentId: row.top_up_payment_id as number },
    validBefore: row.valid_before as number | null,
    openPaymentId: row.open_payment_id as number,
    expiresAt: row.expires_at as number,
    createdAt: row.created_at as number,
    updatedAt: row.updated_at as number,
    closeRequestedAt: row.close_requested_at as number | null,
    settled: big(row.settled),
    refund: big(row.refund),
    closeTransaction: row.close_transaction as string | null,
    closeFee: big(row.close_fee),
    closedAt: row.closed_at as number | null,
  }
}
