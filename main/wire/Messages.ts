/**
 * The companion socket's contract: its constants and the shapes of its messages. What clients send
 * is validated by the schemas in `Schemas.ts`, and its types are derived from them here as types
 * only, so that a bridge talks to the companion without loading a validation library on its
 * start-up path. What the companion answers is typed here and trusted by its clients.
 */
import type * as Schemas from './Schemas.js'

export const version = 2

/** Longest line either side reads; a challenge list is far below it. */
export const maxLineLength = 1024 * 1024

/** The MCP operations a server may charge for, and the only ones a bridge asks the companion about. */
export const operations = ['tools/call', 'resources/read', 'prompts/get'] as const
export type Operation = (typeof operations)[number]

export function isOperation(value: unknown): value is Operation {
  return (operations as readonly unknown[]).includes(value)
}

/**
 * `not_yours`: the message names a payment this connection did not ask for; it changes nothing.
 * `no_wallet`, `wrong_passphrase`: a `wallet.unlock` that could not unlock; nothing is kept.
 */
export type ErrorCode = 'invalid_message' | 'unsupported_version' | 'unknown_payment' | 'not_yours' | 'no_wallet' | 'wrong_passphrase' | 'internal'

export type Response<T = unknown> =
  | { v: typeof version; id: string | number | null; ok: true; result: T }
  | { v: typeof version; id: string | number | null; ok: false; error: { code: ErrorCode; message: string } }

/**
 * What the companion tells a connection unasked (it carries no `id`): bridges of a server signed
 * out of drop their token; a CLI that asked to sign in gets the link of the sign-in it started.
 */
export type Event = { v: typeof version; event: 'auth.signed-out'; server: string } | { v: typeof version; event: 'auth.sign-in'; server: string; url: string }

export type AuthRequest = Schemas.AuthRequest

/**
 * What a bridge gets back for `auth.token`. The token is handed over in memory, sent to that
 * server only, and never stored or logged; `id` names it when the server refuses it.
 * `refreshAt`: ask again from then on (epoch ms), while it still works.
 */
export type AuthAnswer =
  | { kind: 'token'; accessToken: string; id: string; expiresAt?: number; refreshAt?: number }
  | { kind: 'declined'; reason: string; message: string }

export type PaymentRequest = Schemas.PaymentRequest
export type Receipt = Schemas.Receipt
/**
 * What the server made of a credential: `accepted` with a receipt, or `failed`, where `sent` says
 * whether the credential may have reached it (a refusal or no answer: a check must show that
 * nothing moved) or certainly did not (no connection was ever made).
 */
export type Outcome = Schemas.Outcome

/** Messages a client sends, without the `v` and `id` every message carries. */
export type ClientRequest = WithoutEnvelope<Schemas.ClientMessage>
type WithoutEnvelope<Message> = Message extends unknown ? Omit<Message, 'v' | 'id'> : never

/** The payment protocols a bridge meets: where a credential travels on the retry depends on it. */
export const protocols = ['mpp', 'x402'] as const
export type Protocol = (typeof protocols)[number]

/** What a bridge gets back for a payment request. */
export type PaymentDecision =
  /**
   * The credential is handed over in memory, used once, and never stored or logged. `mpp`: the
   * retry carries it in `_meta["org.paymentauth/credential"]`; `x402`: its payload (the x402
   * `PaymentPayload`) in `_meta["x402/payment"]`.
   */
  | { kind: 'approved'; paymentId: number; protocol: Protocol; credential: { challenge: unknown; payload: unknown; source?: string }; decidedBy: string }
  | { kind: 'declined'; paymentId?: number | undefined; reason: string; message: string }

/** What a bridge does to the server's tool list (`tools.describe`); read-only, and never on the way of a free call. */
export type ToolNotes = {
  /** The user wants prices in the agent's tool list for this server. */
  describePrices: boolean
  /** The user enabled the read-only `allowance_payments_status` tool for this server. */
  statusTool: boolean
  /** The sentence to append to each paid tool's description, by tool name (empty when `describePrices` is off). */
  notes: Record<string, string>
}

/** The status tool's answer (`payments.status`): `enabled` false when the user turned it off since. */
export type PaymentsStatus = { enabled: boolean; text: string }

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
