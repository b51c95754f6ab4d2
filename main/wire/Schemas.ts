import * as z from 'zod'
import { operations, version, type ErrorCode } from './Messages.js'

/**
 * The companion's local socket protocol as the companion validates it: newline-delimited JSON,
 * one object per line, each carrying the protocol version `v`. Bridges ask for payment decisions
 * and report outcomes, and read what the agent may know ahead of a call (prices, budgets); nothing
 * here can approve a payment or change a rule (only the user can, through the UI or CLI). The message types in `Messages.ts` are derived from these schemas.
 */

const id = z.union([z.string().max(200), z.number().int()])
const text = (max: number) => z.string().min(1).max(max)
const operation = z.enum(operations)

export const PaymentRequest = z.strictObject({
  /** The agent host, from its `clientInfo`. */
  host: z.strictObject({ name: text(200), version: z.string().max(100).optional() }),
  /** The upstream's identity as configured: the URL, or the stdio command line. */
  upstream: text(2000),
  operation,
  /** The tool name, resource URI or prompt name. */
  target: text(2000),
  arguments: z.unknown().optional(),
  /** The MPP challenges exactly as the server offered them (validated by the companion, not here); none when it asked in x402 only. */
  challenges: z.array(z.unknown()).max(16),
  /**
   * The x402 `PaymentRequired` exactly as the server sent it (a v2 tool result's
   * `structuredContent`, a v1 `402` error's `data`), when it asked in x402: its `accepts` entries
   * are alternatives beside the MPP challenges (validated by the companion, not here).
   */
  x402: z.unknown().optional(),
  /** The bridge's name for the host request: a second challenge within it would pay twice. */
  call: text(200),
}).refine((request) => request.challenges.length > 0 || request.x402 !== undefined, {
  message: 'A payment request needs a challenge or an x402 payment request',
  path: ['challenges'],
})
export type PaymentRequest = z.infer<typeof PaymentRequest>

export const Receipt = z.looseObject({
  status: z.literal('success'),
  method: text(64),
  reference: z.string().max(500).optional(),
  challengeId: z.string().max(500).optional(),
  timestamp: z.string().max(100).optional(),
  /** x402: the atomic amount the server says it settled (an `upto` payment settles at most what was approved). */
  amount: z.string().regex(/^\d{1,78}$/).optional(),
})
export type Receipt = z.infer<typeof Receipt>

export const Outcome = z.discriminatedUnion('status', [
  z.strictObject({ status: z.literal('accepted'), receipt: Receipt }),
  z.strictObject({
    status: z.literal('failed'),
    error: text(2000),
    /** True unless the credential certainly never reached the server: it may still take the money. */
    sent: z.boolean(),
  }),
])
export type Outcome = z.infer<typeof Outcome>

export const AuthRequest = z.strictObject({
  /** The server's URL, as the bridge was given it. */
  server: text(2000),
  /** Its `WWW-Authenticate` header. */
  challenge: z.string().max(8192).optional(),
  /** The HTTP status that asked: 401, or 403 for more scopes. */
  status: z.number().int().min(100).max(599).optional(),
  /** The id of the token the server refused, as the companion gave it. */
  rejected: z.string().max(100).optional(),
  host: z.strictObject({ name: text(200), version: z.string().max(100).optional() }),
})
export type AuthRequest = z.infer<typeof AuthRequest>

export const ClientMessage = z.discriminatedUnion('type', [
  z.strictObject({
    v: z.literal(version),
    id,
    type: z.literal('hello'),
    role: z.enum(['bridge', 'cli']),
    upstream: z.string().max(2000).optional(),
    pid: z.number().int().optional(),
  }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('payment.request'), request: PaymentRequest }),
  /** The host cancelled the call: withdraw the pending approval of the `payment.request` with this id. */
  z.strictObject({ v: z.literal(version), id, type: z.literal('payment.cancel'), requestId: id }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('payment.outcome'), paymentId: z.number().int().positive(), outcome: Outcome }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('status') }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('wallet.unlock'), passphrase: text(1000) }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('wallet.lock') }),
  /** A bridge's server wants authorization: a token for it, or a sentence saying why there is none. */
  z.strictObject({ v: z.literal(version), id, type: z.literal('auth.token'), request: AuthRequest }),
  /** A person signs in to a server (the CLI): optionally with a client they registered there themselves. */
  z.strictObject({
    v: z.literal(version),
    id,
    type: z.literal('auth.login'),
    server: text(2000),
    clientId: z.string().min(1).max(500).regex(/^[\x21-\x7e]+$/, 'a client id is printable ASCII without spaces').optional(),
    clientSecret: z.string().min(1).max(4096).optional(),
  }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('auth.logout'), server: text(2000) }),
  z.strictObject({ v: z.literal(version), id, type: z.literal('auth.list') }),
  /**
   * A bridge relaying the server's tool list: the notes to append to its paid tools' descriptions
   * (their known prices and what Allowance does with them), and whether to offer the status tool.
   */
  z.strictObject({ v: z.literal(version), id, type: z.literal('tools.describe'), upstream: text(2000), host: text(200) }),
  /** The agent called the read-only status tool: what it may know about paying this server. */
  z.strictObject({ v: z.literal(version), id, type: z.literal('payments.status'), upstream: text(2000), host: text(200) }),
])
export type ClientMessage = z.infer<typeof ClientMessage>

/** Parses one line from a client; a bad line yields the error to answer with. */
export function parse(line: string): { ok: true; message: ClientMessage } | { ok: false; id: string | number | null; error: { code: ErrorCode; message: string } } {
  let value: unknown
  try {
    value = JSON.parse(line)
  } catch {
    return { ok: false, id: null, error: { code: 'invalid_message', message: 'The line is not JSON.' } }
  }
  const rawId = typeof value === 'object' && value !== null && 'id' in value ? (value as { id: unknown }).id : null
  const replyId = typeof rawId === 'string' || typeof rawId === 'number' ? rawId : null
  if (typeof value === 'object' && value !== null && 'v' in value && (value as { v: unknown }).v !== version) {
    return { ok: false, id: replyId, error: { code: 'unsupported_version', message: `This companion speaks protocol version ${version}.` } }
  }
  const parsed = ClientMessage.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.join('.')}` : ''
    return { ok: false, id: replyId, error: { code: 'invalid_message', message: `Invalid message${where}: ${issue?.message ?? 'unreadable'}.` } }
  }
  return { ok: true, message: parsed.data }
}
