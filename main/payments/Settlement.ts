import { HttpRequestError, TimeoutError, TransactionReceiptNotFoundError, http, isHash, type Hex, type HttpTransport } from 'viem'

/**
 * What the chain says about a payment the companion signed, once the server has answered: the ledger
 * calls a payment confirmed only on a `confirmed` verdict, never on the server's receipt alone.
 * Each payment method checks its own evidence (methods/<method>/Settlement.ts); this module holds the
 * verdict they share and the guard that turns an unreachable, slow or garbled node into `pending`.
 *
 * @example
 * ```ts
 * import * as Settlement from './Settlement.js'
 *
 * declare function lookOnChain(): Promise<Settlement.Verdict> // a method's check of its evidence
 * const verdict = await Settlement.check({ rpcUrl: 'http://127.0.0.1:8545', timeoutMs: 5_000 }, lookOnChain)
 * if (verdict.status === 'pending') console.log(verdict.problem) // "The node at 127.0.0.1:8545 did not answer within 5 s; the payment is not confirmed yet."
 * ```
 */

/** What the wallet paid on top of the payment, e.g. a network fee. */
export type Fee = {
  /** The token's address as in the transaction's logs (checksummed or lower-case). */
  currency: string
  /** Atomic units. */
  amount: bigint
}

export type Verdict =
  | { status: 'confirmed'; transaction: Hex; block: bigint; fee?: Fee | undefined }
  /**
   * Nothing on chain (yet): the caller retries for a bounded time, then calls the payment unconfirmed.
   * `unused`: the node answered, and nothing on chain uses the credential (it may still, until it expires).
   */
  | { status: 'pending'; problem: string; unused?: true | undefined }
  /** A transaction exists but does not pay what was approved (token, amount, recipient, payer, or it reverted). */
  | { status: 'mismatch'; problem: string }

/**
 * What a settlement check found, for the ledger: `confirmed` (what moved, and the fee),
 * `nothing_moved` (the credential can no longer be used and was not), `mismatch` (the chain or the
 * processor contradicts the approval), or `pending` (look again; `until`: the credential stays
 * usable until then, so it is not given up on before).
 */
export type Finding =
  | { status: 'confirmed'; transaction: string; amount: bigint; fee?: Fee | undefined }
  | { status: 'nothing_moved'; problem: string }
  | { status: 'mismatch'; problem: string }
  | { status: 'pending'; problem: string; until?: number | undefined }

export const defaultTimeoutMs = 10_000

/** How far back (in blocks) a check searches for the transaction that used a credential the server did not name. */
export const lookbackBlocks = 10_000n

export function pending(problem: string, options: { unused?: true } = {}): Verdict {
  return { status: 'pending', problem, ...options }
}

export function mismatch(problem: string): Verdict {
  return { status: 'mismatch', problem }
}

/**
 * Runs a check against the node at `rpcUrl`. Never throws: a failure, or no verdict within
 * `timeoutMs`, is a `pending` verdict saying what went wrong with the node.
 */
export function check<T extends { status: string } = Verdict>(parameters: check.Parameters, run: () => Promise<T>): Promise<T | Verdict> {
  const { rpcUrl, timeoutMs = defaultTimeoutMs } = parameters
  return bounded<T | Verdict>(run, { timeoutMs, fallback: (error) => pending(nodeProblem(rpcUrl, error, timeoutMs)) })
}

export declare namespace check {
  type Parameters = { rpcUrl: string; timeoutMs?: number | undefined }
}

/** `run`'s result, or `fallback(error)` when it fails or has not settled within `timeoutMs`. */
export async function bounded<T>(run: () => Promise<T>, options: { timeoutMs: number; fallback: (error: unknown) => T }): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Deadline()), options.timeoutMs)
  })
  try {
    return await Promise.race([run(), deadline])
  } catch (error) {
    return options.fallback(error)
  } finally {
    clearTimeout(timer)
  }
}

/** A viem transport for checks: one attempt per request, cut off at `timeoutMs` (the guard above bounds the whole check). */
export function transport(parameters: check.Parameters): HttpTransport {
  return http(parameters.rpcUrl, { timeout: parameters.timeoutMs ?? defaultTimeoutMs, retryCount: 0 })
}

/** The receipt a lookup finds, or undefined when the node knows no such transaction (yet). */
export async function receiptOrNone<T>(lookup: Promise<T>): Promise<T | undefined> {
  try {
    return await lookup
  } catch (error) {
    if (error instanceof TransactionReceiptNotFoundError) return undefined
    throw error
  }
}

/** A 32-byte hex value: a transaction hash or a nonce. */
export function isBytes32(value: unknown): value is Hex {
  return typeof value === 'string' && isHash(value)
}

/** A transaction hash as a sentence shows it: 0x12ab…cdef. */
export function short(hash: string): string {
  return `${hash.slice(0, 6)}…${hash.slice(-4)}`
}

/**
 * A chain check's verdict as a finding. An authorization the chain shows unused is no proof while it
 * can still be submitted: a refused one fails only after it expires (`usableUntil`).
 */
export function finding(verdict: Verdict, amount: bigint, usableUntil: number | undefined): Finding {
  if (verdict.status === 'confirmed') return { status: 'confirmed', transaction: verdict.transaction, amount, fee: verdict.fee }
  if (verdict.status === 'mismatch') return verdict
  if (usableUntil !== undefined && verdict.unused) {
    // A minute beyond its end, for a submission already in a block being built.
    return Date.now() > usableUntil + 60_000
      ? { status: 'nothing_moved', problem: 'the authorization expired unused, so nothing can move any more' }
      : { status: 'pending', problem: verdict.problem, until: usableUntil + 60_000 }
  }
  return { status: 'pending', problem: verdict.problem }
}

/** Evidence as JSON can hold it (bigints as decimal strings). */
export function jsonSafe(evidence: object): Record<string, unknown> {
  return JSON.parse(JSON.stringify(evidence, (_, value: unknown) => (typeof value === 'bigint' ? value.toString() : value))) as Record<string, unknown>
}

class Deadline extends Error {}

// The node is named by host only: an RPC URL's path or query often carries an API key.
function nodeProblem(rpcUrl: string, error: unknown, timeoutMs: number): string {
  const node = `The node at ${host(rpcUrl)}`
  if (error instanceof Deadline || error instanceof TimeoutError) return `${node} did not answer within ${timeoutMs / 1000} s; the payment is not confirmed yet.`
  if (error instanceof HttpRequestError && error.status !== undefined) return `${node} answered with HTTP status ${error.status}; the payment is not confirmed yet.`
  if (error instanceof HttpRequestError) return `${node} could not be reached; the payment is not confirmed yet.`
  return `${node} gave an answer that could not be read; the payment is not confirmed yet.`
}

function host(rpcUrl: string): string {
  try {
    return new URL(rpcUrl).host
  } catch {
    return 'the configured RPC URL'
  }
}
