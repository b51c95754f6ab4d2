/**
 * The companion socket's constants and message shapes, without the schemas that validate them
 * (those live with the companion, in `companion/Protocol.ts`), so that a bridge can talk to the
 * companion without loading a validation library on its start-up path.
 */
export const version = 2

/** Longest line either side reads; a challenge list is far below it. */
export const maxLineLength = 1024 * 1024

/**
 * `not_yours`: the message names a payment this connection did not ask for; it changes nothing.
 * `no_wallet`, `wrong_passphrase`: a `wallet.unlock` that could not unlock; nothing is kept.
 */
export type ErrorCode = 'invalid_message' | 'unsupported_version' | 'unknown_payment' | 'not_yours' | 'no_wallet' | 'wrong_passphrase' | 'internal'

export type Response<T = unknown> =
  | { v: typeof version; id: string | number | null; ok: true; result: T }
  | { v: typeof version; id: string | number | null; ok: false; error: { code: ErrorCode; message: string } }

export type Operation = 'tools/call' | 'resources/read' | 'prompts/get'

export type PaymentRequest = {
  /** The agent host, from its `clientInfo`. */
  host: { name: string; version?: string | undefined }
  /** The upstream's identity as configured: the URL, or the stdio command line. */
  upstream: string
  operation: Operation
  /** The tool name, resource URI or prompt name. */
  target: string
  arguments?: unknown
  /** The challenges exactly as the server offered them. */
  challenges: unknown[]
  /**
   * The bridge's name for the host request, the same for each challenge the server sends within
   * it: the companion tells a first payment from a second one for the same call by it.
   */
  call: string
}

export type Receipt = { status: 'success'; method: string; reference?: string; challengeId?: string; timestamp?: string; [key: string]: unknown }

/**
 * What the server made of a credential: `accepted` with a receipt, or `failed`, where `sent` says
 * whether the credential may have reached it (a refusal or no answer: a check must show that
 * nothing moved) or certainly did not (no connection was ever made).
 */
export type Outcome = { status: 'accepted'; receipt: Receipt } | { status: 'failed'; error: string; sent: boolean }

/** Messages a client sends, without the `v` and `id` every message carries. */
export type ClientRequest =
  | { type: 'hello'; role: 'bridge' | 'cli'; upstream?: string; pid?: number }
  | { type: 'payment.request'; request: PaymentRequest }
  | { type: 'payment.cancel'; requestId: string | number }
  | { type: 'payment.outcome'; paymentId: number; outcome: Outcome }
  | { type: 'status' }
  /** A passphrase a person typed (never argv or a file): kept in the companion's memory, to sign with. */
  | { type: 'wallet.unlock'; passphrase: string }
  /** Drops the passphrase and the key from the companion's memory until someone unlocks again. */
  | { type: 'wallet.lock' }

/** What a bridge gets back for a payment request. */
export type PaymentDecision =
  /** The credential is handed over in memory, used once, and never stored or logged. */
  | { kind: 'approved'; paymentId: number; credential: { challenge: unknown; payload: unknown; source?: string }; decidedBy: string }
  | { kind: 'declined'; paymentId?: number | undefined; reason: string; message: string }

export type Status = {
  pid: number
  version: string
  startedAt: string
  bridges: number
  pendingApprovals: number
  paused: boolean
  /** The wallet as the companion holds it now; `null` when there is none. */
  wallet: WalletStatus | null
  /** The headless UI's address, with its launch token; `null` in the desktop app, whose window is the UI. */
  ui: string | null
}

export type WalletStatus = {
  address: `0x${string}`
  /** Where the key is kept: the OS keychain, or a file sealed with a passphrase. */
  store: 'keychain' | 'file'
  /** A key in a file that no passphrase opens in this run. */
  locked: boolean
  /** Whether the companion could sign a payment now (it read the key to find out). */
  canSign: boolean
  /** Why it could not, in a sentence. */
  problem?: string
}
