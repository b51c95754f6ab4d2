import type { JSONRPCMessage, JSONRPCRequest, JSONRPCResponse } from '../JsonRpc.js'

/**
 * The two eras of MCP, as the bridge meets them upstream. Legacy (2025-11-25 and earlier) opens a
 * session with `initialize`; modern (2026-07-28) has no handshake: every request carries its
 * protocol version, client capabilities and client info in `_meta`, and the server describes
 * itself through `server/discover`. Hosts speak legacy on stdio, so the bridge translates.
 */
export type Era = 'modern' | 'legacy'

/** The modern revision the bridge speaks. */
export const modernVersion = '2026-07-28'

export const metaKeys = {
  protocolVersion: 'io.modelcontextprotocol/protocolVersion',
  clientCapabilities: 'io.modelcontextprotocol/clientCapabilities',
  clientInfo: 'io.modelcontextprotocol/clientInfo',
  logLevel: 'io.modelcontextprotocol/logLevel',
  serverInfo: 'io.modelcontextprotocol/serverInfo',
  subscriptionId: 'io.modelcontextprotocol/subscriptionId',
} as const

/** Errors only a modern server sends: HeaderMismatch, MissingRequiredClientCapability, UnsupportedProtocolVersion. */
export const modernErrorCodes: readonly number[] = [-32020, -32021, -32022]

/** The 2025-era versions a host may ask for; the bridge answers a modern upstream's host in one of them. */
const legacyVersions = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07']

/** What every modern request says about its client: the host's identity and capabilities. */
export type Envelope = {
  clientCapabilities: Record<string, unknown>
  clientInfo: { name: string; version: string }
  logLevel?: string | undefined
}

/** `request` with the modern `_meta` envelope merged into whatever `_meta` the host sent. */
export function withEnvelope(request: JSONRPCRequest, envelope: Envelope): JSONRPCRequest {
  const params = (request.params ?? {}) as Record<string, unknown>
  const meta: Record<string, unknown> = {
    ...((params._meta as Record<string, unknown> | undefined) ?? {}),
    [metaKeys.protocolVersion]: modernVersion,
    [metaKeys.clientCapabilities]: envelope.clientCapabilities,
    [metaKeys.clientInfo]: envelope.clientInfo,
  }
  if (envelope.logLevel !== undefined) meta[metaKeys.logLevel] = envelope.logLevel
  return { ...request, params: { ...params, _meta: meta } }
}

/** A JSON-RPC error that only a modern server would send: proof of era, whatever else it says. */
export function isModernError(message: unknown): boolean {
  const error = (message as { error?: { code?: unknown } } | null | undefined)?.error
  return typeof error?.code === 'number' && modernErrorCodes.includes(error.code)
}

/** The versions a modern server named in an UnsupportedProtocolVersion error. */
export function supportedIn(message: unknown): string[] {
  const supported = (message as { error?: { data?: { supported?: unknown } } }).error?.data?.supported
  return Array.isArray(supported) ? supported.filter((version): version is string => typeof version === 'string') : []
}

/** What `server/discover` told the bridge; kept to answer the host's `initialize`. */
export type Discovery = {
  supportedVersions: string[]
  capabilities: Record<string, unknown>
  serverInfo: { name: string; version: string }
  instructions?: string
}

/** A `server/discover` answer, if it is one: a result naming versions and capabilities. */
export function discoveryIn(response: JSONRPCResponse, fallbackName: string): Discovery | undefined {
  if (!('result' in response)) return undefined
  const result = response.result as Record<string, unknown>
  const versions = result.supportedVersions
  if (!Array.isArray(versions) || !versions.every((version) => typeof version === 'string')) return undefined
  const capabilities = result.capabilities
  if (typeof capabilities !== 'object' || capabilities === null || Array.isArray(capabilities)) return undefined
  const info = ((result._meta ?? {}) as Record<string, unknown>)[metaKeys.serverInfo] as { name?: unknown; version?: unknown } | undefined
  const serverInfo =
    typeof info?.name === 'string' ? { name: info.name, version: typeof info.version === 'string' ? info.version : 'unknown' } : { name: fallbackName, version: 'unknown' }
  const discovery: Discovery = { supportedVersions: versions as string[], capabilities: capabilities as Record<string, unknown>, serverInfo }
  if (typeof result.instructions === 'string') discovery.instructions = result.instructions
  return discovery
}

/**
 * The bridge's own answer to the host's `initialize` for a modern upstream: the host's version if
 * it is one the bridge can speak to it, the server's capabilities and identity from discovery.
 */
export function initializeAnswer(initialize: JSONRPCRequest, discovery: Discovery): JSONRPCResponse {
  const asked = (initialize.params as { protocolVersion?: unknown } | undefined)?.protocolVersion
  const protocolVersion = typeof asked === 'string' && legacyVersions.includes(asked) ? asked : legacyVersions[0]!
  const result: Record<string, unknown> = { protocolVersion, capabilities: discovery.capabilities, serverInfo: discovery.serverInfo }
  if (discovery.instructions !== undefined) result.instructions = discovery.instructions
  return { jsonrpc: '2.0', id: initialize.id, result }
}

/** A result the server has not finished: it needs the client's input first (multi round-trip requests). */
export function isInputRequired(response: JSONRPCResponse): boolean {
  return 'result' in response && (response.result as { resultType?: unknown }).resultType === 'input_required'
}

/**
 * A modern result as a legacy host expects it: `resultType: "complete"` is the modern wire's
 * bookkeeping and goes; everything else stays as the server sent it.
 */
export function forLegacyHost(message: JSONRPCMessage): JSONRPCMessage {
  if (!('result' in message) || (message.result as { resultType?: unknown }).resultType === undefined) return message
  const { resultType: _resultType, ...result } = message.result as Record<string, unknown>
  return { ...message, result }
}
