import { isOperation, type Operation } from '../wire/Messages.js'
import type { JSONRPCRequest, JSONRPCResponse } from './JsonRpc.js'

/**
 * Machine Payments Protocol over MCP, as the bridge meets it: where challenges, credentials and
 * receipts travel, and how to tell a payment request from everything that looks like one.
 */
export const credentialKey = 'org.paymentauth/credential'
export const receiptKey = 'org.paymentauth/receipt'
export const paymentRequiredKey = 'org.paymentauth/payment-required'

/** Payment required (MPP) — the same code MCP uses for URL elicitation, told apart by `data`. */
export const paymentRequiredCode = -32042
export const verificationFailedCode = -32043

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
  const content = response.result.content
  const text = Array.isArray(content) ? (content[0] as { text?: unknown } | undefined)?.text : undefined
  const match = typeof text === 'string' ? /^MCP error (-32042|-32043|-32602|-32603):/.exec(text) : null
  return match ? { code: Number(match[1]), text: text as string } : undefined
}

/** The retry of `request` under a new id, with the credential merged into the host's `_meta`. */
export function withCredential(request: JSONRPCRequest, id: string, credential: unknown): JSONRPCRequest {
  const params = (request.params ?? {}) as Record<string, unknown>
  const meta = (params._meta ?? {}) as Record<string, unknown>
  return { ...request, id, params: { ...params, _meta: { ...meta, [credentialKey]: credential } } }
}

export type Receipt = { status: 'success'; method: string; reference?: string; challengeId?: string; timestamp?: string }

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
 * authorization, a signed tempo transaction) and Shared Payment Tokens. Addresses, amounts and a
 * pushed transaction's hash are public.
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
