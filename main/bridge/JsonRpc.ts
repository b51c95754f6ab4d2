import type {
  JSONRPCErrorResponse,
  JSONRPCMessage,
  JSONRPCNotification,
  JSONRPCRequest,
  JSONRPCResponse,
  RequestId,
} from '@modelcontextprotocol/sdk/types.js'

export type { JSONRPCErrorResponse, JSONRPCMessage, JSONRPCNotification, JSONRPCRequest, JSONRPCResponse, RequestId }

/** JSON-RPC 2.0 error codes the bridge itself emits. */
export const ErrorCode = {
  ParseError: -32700,
  InvalidRequest: -32600,
  InternalError: -32603,
  /** Implementation-defined: the upstream server could not be reached or answered badly. */
  UpstreamUnavailable: -32000,
  /** Implementation-defined: a paid resource or prompt was not paid for (declined, over budget…). */
  PaymentNotMade: -32010,
} as const

export function isRequest(message: JSONRPCMessage): message is JSONRPCRequest {
  return 'method' in message && 'id' in message
}

export function isNotification(message: JSONRPCMessage): message is JSONRPCNotification {
  return 'method' in message && !('id' in message)
}

export function isResponse(message: JSONRPCMessage): message is JSONRPCResponse {
  return !('method' in message)
}

export function errorResponse(
  id: RequestId | null,
  code: number,
  message: string,
  data?: unknown,
): JSONRPCErrorResponse {
  const error = data === undefined ? { code, message } : { code, message, data }
  // JSON-RPC answers unparseable input with `id: null`; the SDK types leave it optional.
  return { jsonrpc: '2.0', id: id as RequestId, error }
}

/**
 * A structural check of a parsed JSON value against JSON-RPC 2.0 as MCP uses it. It looks at
 * the envelope only and never copies or reshapes the message: unknown fields pass untouched.
 */
export function check(value: unknown): { ok: true; message: JSONRPCMessage } | { ok: false; reason: string } {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, reason: Array.isArray(value) ? 'JSON-RPC batches are not part of MCP' : 'not a JSON object' }
  }
  const message = value as Record<string, unknown>
  if (message.jsonrpc !== '2.0') return { ok: false, reason: 'jsonrpc is not "2.0"' }
  const hasId = 'id' in message
  if (hasId && !isRequestId(message.id) && !(message.id === null && 'error' in message)) {
    return { ok: false, reason: 'id is neither a string nor a number' }
  }
  if ('method' in message) {
    if (typeof message.method !== 'string') return { ok: false, reason: 'method is not a string' }
    if (message.params !== undefined && (typeof message.params !== 'object' || message.params === null)) {
      return { ok: false, reason: 'params is not an object' }
    }
    return { ok: true, message: value as JSONRPCMessage }
  }
  if (!hasId) return { ok: false, reason: 'neither a method nor an id' }
  if ('result' in message === 'error' in message) return { ok: false, reason: 'a response needs exactly one of result and error' }
  if ('result' in message && (typeof message.result !== 'object' || message.result === null)) {
    return { ok: false, reason: 'result is not an object' }
  }
  if ('error' in message) {
    const error = message.error as Record<string, unknown> | null
    if (typeof error !== 'object' || error === null || !Number.isInteger(error.code) || typeof error.message !== 'string') {
      return { ok: false, reason: 'error needs an integer code and a message' }
    }
  }
  return { ok: true, message: value as JSONRPCMessage }
}

function isRequestId(id: unknown): id is RequestId {
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id))
}

/** The id of a JSON value that looks like a request, to answer it even when it is malformed. */
export function idOf(value: unknown): RequestId | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null
  const { id } = value as { id: unknown }
  return isRequestId(id) ? id : null
}
