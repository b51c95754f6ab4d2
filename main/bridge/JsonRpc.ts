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
