import { isOperation, type Operation } from '../wire/Messages.js'
import type { JSONRPCRequest, JSONRPCResponse } from './JsonRpc.js'

/**
 * Payments over MCP, as the bridge meets them, in both protocols: the Machine Payments Protocol
 * (challenges in a `-32042` error or `org.paymentauth/*` metadata) and x402 (a `PaymentRequired`
 * tool result; v1: a `402` error). Where challenges, credentials and receipts travel, and how to
 * tell a payment request from everything that looks like one. The two protocols' signals are
 * disjoint; a server may offer both at once.
 */
export const credentialKey = 'org.paymentauth/credential'
export const receiptKey = 'org.paymentauth/receipt'
export const paymentRequiredKey = 'org.paymentauth/payment-required'

/** Payment required (MPP) — the same code MCP uses for URL elicitation, told apart by `data`. */
export const paymentRequiredCode = -32042
export const verificationFailedCode = -32043

/** x402: the payment payload on the retry, and the settlement response on the answer. */
export const x402PaymentKey = 'x402/payment'
export const x402ResponseKey = 'x402/payment-response'
/** x402's v1 MCP binding asked for payment with a JSON-RPC error of this code. */
export const x402RequiredCode = 402

/** What a server asks to be paid with: MPP challenges, an x402 `PaymentRequired`, or both. */
export type Offer = { challenges: unknown[]; x402?: unknown }

/** The payment a response asks for, in either protocol, or undefined when it asks for none. */
export function offerIn(response: JSONRPCResponse): Offer | undefined {
  const challenges = challengesIn(response) ?? []
  const x402 = x402In(response)
  if (challenges.length === 0 && x402 === undefined) return undefined
  return x402 === undefined ? { challenges } : { challenges, x402 }
}

/**
 * The x402 `PaymentRequired` of a response: a tool result with `isError` whose `structuredContent`
 * (or, for clients without it, `content[0].text` as JSON) is one; the extension binding's
 * `payment_required` result; a `402` error's `data` (v1, passed on even when unreadable: the
 * companion says why); or the `x402` member of an MPP `-32042` that offers both protocols.
 */
export function x402In(response: JSONRPCResponse): unknown {
  if ('error' in response) {
    const { code, data } = response.error
    if (code === x402RequiredCode) return data ?? null
    if (code === paymentRequiredCode || code === verificationFailedCode) {
      const both = (data as { x402?: unknown } | undefined)?.x402
      return isPaymentRequired(both) ? both : undefined
    }
    return undefined
  }
  const result = response.result as Record<string, unknown>
  if (result.resultType === 'payment_required' && isPaymentRequired(result.paymentRequired)) return result.paymentRequired
  if (result.isError !== true) return undefined
  if (isPaymentRequired(result.structuredContent)) return result.structuredContent
  const text = Array.isArray(result.content) ? (result.content[0] as { text?: unknown } | undefined)?.text : undefined
  if (typeof text !== 'string' || text.length > 256 * 1024 || !text.trimStart().startsWith('{')) return undefined
  try {
    const parsed = JSON.parse(text) as Record<string, unknown>
    // Some servers wrap it as {"x402/error": {"code": 402, "data": PaymentRequired}}.
    const wrapped = (parsed['x402/error'] as { data?: unknown } | undefined)?.data
    return isPaymentRequired(parsed) ? parsed : isPaymentRequired(wrapped) ? wrapped : undefined
  } catch {
    return undefined
  }
}

function isPaymentRequired(value: unknown): boolean {
  return typeof value === 'object' && value !== null && 'x402Version' in value && Array.isArray((value as { accepts?: unknown }).accepts)
}

/** What a paid call is for: the operation and its tool name, resource URI or prompt name. */
export function operationOf(request: JSONRPCRequest): { operation: Operation; target: string; arguments?: unknown } | undefined {
  if (!isOperation(request.method)) return undefined
  const params = (request.params ?? {}) as Record<string, unknown>
  const target = request.method === 'resources/read' ? params.uri : params.name
  if (typeof target !== 'string' || target === '') return undefined
  return { operation: request.method, target, arguments: params.arguments }
}

/**
 * The challenges a response demands payment with: a `-32042`/`-32043` error whose `data.challenges`
 * is a non-empty list (a `-32042` carrying `data.elicitations` instead is MCP URL elicitation), or
 * a result whose `_meta` carries them because the server's framework turned the error into a result.
 */
export function challengesIn(response: JSONRPCResponse): unknown[] | undefined {
  if ('error' in response) {
    const { code, data } = response.error
    if (code !== paymentRequiredCode && code !== verificationFailedCode) return undefined
    return nonEmptyList((data as { challenges?: unknown } | undefined)?.challenges)
  }
  const required = (response.result._meta as Record<string, unknown> | undefined)?.[paymentRequiredKey]
  return nonEmptyList((required as { challenges?: unknown } | undefined)?.challenges)
}

/**
 * A payment error the server's framework swallowed into an `isError` tool result ("MCP error
 * -32043: Payment verification failed…"): there is no challenge to answer, only a failure to record.
 */
export function swallowedFailure(response: JSONRPCResponse): { code: number; text: string } | undefined {
  if (!('result' in response) || response.result.isError !== true) return undefined
  const text = firstText(response)
  const match = text === undefined ? null : /^MCP error (-32042|-32043|-32602|-32603):/.exec(text)
  return match ? { code: Number(match[1]), text: text! } : undefined
}

/** The text of a result's first content block, if it has one. */
export function firstText(response: JSONRPCResponse): string | undefined {
  const content = 'result' in response ? response.result.content : undefined
  const text = Array.isArray(content) ? (content[0] as { text?: unknown } | undefined)?.text : undefined
  return typeof text === 'string' ? text : undefined
}

/** The retry of `request` under a new id, with the credential merged into the host's `_meta`. */
export function withCredential(request: JSONRPCRequest, id: string, credential: unknown): JSONRPCRequest {
  return withMeta(request, id, credentialKey, credential)
}

/** The retry of `request` under a new id, with the x402 payment payload merged into the host's `_meta`. */
export function withX402Payment(request: JSONRPCRequest, id: string, payload: unknown): JSONRPCRequest {
  return withMeta(request, id, x402PaymentKey, payload)
}

function withMeta(request: JSONRPCRequest, id: string, key: string, value: unknown): JSONRPCRequest {
  const params = (request.params ?? {}) as Record<string, unknown>
  const meta = (params._meta ?? {}) as Record<string, unknown>
  return { ...request, id, params: { ...params, _meta: { ...meta, [key]: value } } }
}

export type Receipt = { status: 'success'; method: string; reference?: string; challengeId?: string; timestamp?: string; amount?: string }

/**
 * The x402 settlement response of a paid result, if it is one for the payload that was sent:
 * `success` true, the payload's network, its payer if it names one, a transaction (none only for
 * an `upto` that settled nothing), and a settled amount no larger than the one approved (for
 * `exact`, equal to it). Anything else is a reason, not a receipt.
 */
export function x402ReceiptFor(response: JSONRPCResponse, paid: { challengeId: string; payload: unknown }): { ok: true; receipt: Receipt } | { ok: false; problem: string } {
  if (!('result' in response)) return { ok: false, problem: 'the server answered with an error' }
  const settled = (response.result._meta as Record<string, unknown> | undefined)?.[x402ResponseKey] as Record<string, unknown> | undefined
  if (typeof settled !== 'object' || settled === null) return { ok: false, problem: 'the server sent no payment response' }
  const payload = paid.payload as { x402Version?: unknown; network?: unknown; accepted?: Record<string, unknown>; payload?: Record<string, any> }
  const accepted = payload.accepted ?? {}
  const network = payload.x402Version === 1 ? payload.network : accepted.network
  const approved = String(payload.x402Version === 1 ? accepted.maxAmountRequired ?? '' : accepted.amount ?? '')
  const exact = (payload.x402Version === 1 ? 'exact' : accepted.scheme) !== 'upto'
  const payer = payload.payload?.authorization?.from ?? payload.payload?.permit2Authorization?.from
  const text = (value: unknown, max = 200) => (typeof value === 'string' ? value.slice(0, max) : undefined)
  if (settled.success !== true) {
    const reason = text(settled.errorReason) ?? text(settled.errorMessage)
    return { ok: false, problem: `the payment response says it did not succeed${reason ? ` (${reason})` : ''}` }
  }
  if (settled.network !== network) return { ok: false, problem: `the payment response is for the network ${JSON.stringify(text(settled.network, 64) ?? null)}, not ${JSON.stringify(network)}` }
  if (typeof settled.payer === 'string' && typeof payer === 'string' && settled.payer.toLowerCase() !== payer.toLowerCase()) {
    return { ok: false, problem: 'the payment response names another payer' }
  }
  const amount = settled.amount
  if (amount !== undefined && (typeof amount !== 'string' || !/^\d{1,78}$/.test(amount))) return { ok: false, problem: 'the payment response\'s amount is not a whole number of atomic units' }
  if (amount !== undefined && /^\d{1,78}$/.test(approved)) {
    if (BigInt(amount) > BigInt(approved)) return { ok: false, problem: `the payment response says ${amount} atomic units were settled, more than the ${approved} approved` }
    if (exact && BigInt(amount) !== BigInt(approved)) return { ok: false, problem: `the payment response says ${amount} atomic units were settled, not the ${approved} of an exact payment` }
  }
  const transaction = text(settled.transaction, 500)
  if (!transaction && !(amount === '0' && !exact)) return { ok: false, problem: 'the payment response names no transaction' }
  return {
    ok: true,
    receipt: { status: 'success', method: 'x402', challengeId: paid.challengeId, ...(transaction && { reference: transaction }), ...(amount !== undefined && { amount }) },
  }
}

/**
 * The receipt of a paid result, if it is one for the challenge that was paid: status `success`,
 * the same `challengeId` and `method`. Anything else is a reason, not a receipt.
 */
export function receiptFor(response: JSONRPCResponse, paid: { id: string; method: string }): { ok: true; receipt: Receipt } | { ok: false; problem: string } {
  if (!('result' in response)) return { ok: false, problem: 'the server answered with an error' }
  const receipt = (response.result._meta as Record<string, unknown> | undefined)?.[receiptKey] as Record<string, unknown> | undefined
  if (typeof receipt !== 'object' || receipt === null) return { ok: false, problem: 'the server sent no receipt' }
  if (receipt.status !== 'success') return { ok: false, problem: `the receipt's status is ${JSON.stringify(receipt.status)}` }
  if (receipt.challengeId !== paid.id) return { ok: false, problem: 'the receipt is for another challenge' }
  if (receipt.method !== paid.method) return { ok: false, problem: `the receipt is for the ${JSON.stringify(receipt.method)} method` }
  const text = (value: unknown) => (typeof value === 'string' ? value.slice(0, 500) : undefined)
  return {
    ok: true,
    receipt: { status: 'success', method: paid.method, challengeId: paid.id, reference: text(receipt.reference), timestamp: text(receipt.timestamp) },
  }
}

function nonEmptyList(value: unknown): unknown[] | undefined {
  return Array.isArray(value) && value.length > 0 ? value : undefined
}

/**
 * The parts of a credential's payload that are bearer secrets: signatures (an EIP-3009
 * authorization, an x402 payload's authorization or permit, a signed tempo transaction) and
 * Shared Payment Tokens. Addresses, amounts and a pushed transaction's hash are public.
 */
export function secretsOf(credential: { payload: unknown }): string[] {
  const found: string[] = []
  const walk = (value: unknown): void => {
    if (!value || typeof value !== 'object') return
    for (const [key, member] of Object.entries(value)) {
      if ((key === 'signature' || key === 'spt') && typeof member === 'string' && member.length >= 8) found.push(member)
      else walk(member)
    }
  }
  walk(credential.payload)
  return found
}

/** `text` with every secret replaced, for errors and references that came back from a server. */
export function redact(text: string, secrets: readonly string[]): string {
  return secrets.reduce((redacted, secret) => redacted.split(secret).join('[redacted]'), text)
}
