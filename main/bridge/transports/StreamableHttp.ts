import type { IncomingMessage } from 'node:http'
import type { EventSourceMessage } from 'eventsource-parser'
import { check, isRequest, type JSONRPCMessage, type JSONRPCRequest, type RequestId } from '../JsonRpc.js'
import { modernVersion } from '../era/Era.js'
import { headerValue, type ParamHeaders } from '../era/ParamHeaders.js'
import { authorizationWanted, contentType, deliver, HttpClient, readEvents, readText, summarize } from './Http.js'
import type { Transport } from './Transport.js'
import { UpstreamError } from './UpstreamError.js'
import * as ErrorWords from '../../shared/ErrorWords.js'

/**
 * The MCP Streamable HTTP transport, client side: each message is a POST whose answer comes back
 * as JSON or as an event stream. On the legacy era, after `notifications/initialized`, a GET
 * stream carries what the server sends on its own, and the session id and protocol version ride
 * in headers. On the modern era there is no session: each request names its protocol version,
 * method and target in headers, and closing a request's stream cancels it.
 */
export class StreamableHttp implements Transport {
  private readonly http: HttpClient
  private sessionId: string | undefined
  private protocolVersion: string | undefined
  private listening = false
  private closed = false
  private modern = false
  private paramHeaders: ParamHeaders | undefined
  /** Modern era: each open request's stream, to close when the request is cancelled. */
  private readonly streams = new Map<RequestId, AbortController>()
  onmessage?: (message: JSONRPCMessage) => void
  onlost?: (reason: string) => void
  oninvalid?: (reason: string) => void

  constructor(
    private readonly url: URL,
    headers: Record<string, string>,
    private readonly upstream: string,
    authorization?: (url: URL) => string | undefined,
  ) {
    this.http = new HttpClient(upstream, url.protocol === 'https:', headers, authorization)
  }

  async start(): Promise<void> {}

  setProtocolVersion(version: string): void {
    this.protocolVersion = version
  }

  useModernEra(paramHeaders?: ParamHeaders): void {
    this.modern = true
    this.paramHeaders = paramHeaders
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.modern) {
      const headers = { ...this.sessionHeaders(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
      return this.receive(message, await this.http.request(this.url, 'POST', headers, JSON.stringify(message)))
    }
    // The modern HTTP wire carries no client notifications: a cancellation closes the request's stream.
    if (!isRequest(message)) {
      if ('method' in message && message.method === 'notifications/cancelled') {
        const id = (message.params as { requestId?: RequestId } | undefined)?.requestId
        if (id !== undefined) this.streams.get(id)?.abort()
      }
      return
    }
    const stream = new AbortController()
    this.streams.set(message.id, stream)
    try {
      const headers = { ...modernHeaders(message), ...this.paramHeaders?.headersFor(message), 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
      return await this.receive(message, await this.http.request(this.url, 'POST', headers, JSON.stringify(message), stream.signal))
    } finally {
      this.streams.delete(message.id)
    }
  }

  private async receive(message: JSONRPCMessage, response: IncomingMessage): Promise<void> {
    const session = response.headers['mcp-session-id']
    if (typeof session === 'string' && session) this.sessionId = session
    const status = response.statusCode ?? 0
    if (status < 200 || status >= 300) {
      const challenge = authorizationWanted(response)
      const text = await readText(response, 4096).catch(() => '')
      if (challenge !== undefined) throw new UpstreamError('unauthorized', this.upstream, summarize(status, text), status, text, challenge)
      // A modern server answers a request it refuses (unknown version, method or header) with a JSON-RPC error.
      const refusal = this.modern && isRequest(message) && status >= 400 && status < 500 && status !== 401 && status !== 403 ? errorAnswer(text, message.id) : undefined
      if (refusal) return this.onmessage?.(refusal)
      const expired = status === 404 || (status === 400 && /session/i.test(text))
      if (expired && this.sessionId && !(isRequest(message) && message.method === 'initialize')) {
        throw new UpstreamError('session_expired', this.upstream, summarize(status, text), status)
      }
      throw new UpstreamError('rejected', this.upstream, summarize(status, text), status, text)
    }
    if (!isRequest(message)) {
      response.resume()
      if (status === 202 && 'method' in message && message.method === 'notifications/initialized') this.listen()
      return
    }
    // The exchange must carry the request's answer; one that ends without it leaves nothing to wait for.
    let answered = false
    const dispatch = (incoming: JSONRPCMessage) => {
      if ('id' in incoming && incoming.id === message.id && !('method' in incoming)) answered = true
      this.onmessage?.(incoming)
    }
    const type = contentType(response)
    if (type === 'text/event-stream') {
      await readEvents(response, (event) => this.dispatchEvent(event, dispatch)).catch((error: Error) => {
        throw new UpstreamError('closed', this.upstream, `the response stream broke: ${ErrorWords.describe(error)}`)
      })
    } else if (type === 'application/json') {
      const text = await readText(response).catch((error: Error) => {
        throw new UpstreamError('closed', this.upstream, `the response broke off: ${ErrorWords.describe(error)}`)
      })
      deliver(text, dispatch, (reason) => this.oninvalid?.(reason))
    } else {
      response.resume()
      throw new UpstreamError('invalid_response', this.upstream, `unexpected content type "${type || 'none'}" (HTTP ${status})`)
    }
    if (!answered) throw new UpstreamError('invalid_response', this.upstream, `the answer to ${message.method} was missing or not JSON-RPC`)
  }

  async terminate(): Promise<void> {
    if (!this.sessionId || this.closed || this.modern) return
    const response = await this.http.request(this.url, 'DELETE', this.sessionHeaders())
    response.resume()
    this.sessionId = undefined
  }

  async close(): Promise<void> {
    this.closed = true
    this.http.close()
  }

  private sessionHeaders(): Record<string, string> {
    const headers: Record<string, string> = {}
    if (this.sessionId) headers['mcp-session-id'] = this.sessionId
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion
    return headers
  }

  /** Opens the GET stream for server-initiated messages; reopened once after a clean end. */
  private listen(lastEventId?: string): void {
    if (this.listening || this.closed) return
    this.listening = true
    const headers: Record<string, string> = { ...this.sessionHeaders(), accept: 'text/event-stream' }
    if (lastEventId) headers['last-event-id'] = lastEventId
    let last = lastEventId
    this.http
      .request(this.url, 'GET', headers)
      .then(async (response) => {
        const status = response.statusCode ?? 0
        if (status === 405) return response.resume() // the server offers no GET stream
        if (status !== 200 || contentType(response) !== 'text/event-stream') {
          response.resume()
          throw new Error(`the event stream was refused with HTTP ${status}`)
        }
        await readEvents(response, (event) => {
          if (event.id) last = event.id
          this.dispatchEvent(event, this.deliver)
        })
        // A clean end: the server may close idle streams; open it again, resuming after the last event.
        this.listening = false
        if (!this.closed) this.listen(last)
      })
      .catch((error: Error) => {
        this.listening = false
        if (!this.closed) this.onlost?.(`the event stream broke: ${ErrorWords.describe(error)}`)
      })
  }

  private readonly deliver = (message: JSONRPCMessage) => this.onmessage?.(message)

  private dispatchEvent(event: EventSourceMessage, dispatch: (message: JSONRPCMessage) => void): void {
    if (event.event && event.event !== 'message') return
    if (!event.data) return // priming events and keep-alives
    deliver(event.data, dispatch, (reason) => this.oninvalid?.(reason))
  }
}

/** The headers a modern request mirrors from its body, for gateways that route without parsing it. */
function modernHeaders(request: JSONRPCRequest): Record<string, string> {
  const headers: Record<string, string> = { 'mcp-protocol-version': modernVersion, 'mcp-method': request.method }
  const params = (request.params ?? {}) as { name?: unknown; uri?: unknown }
  const name = request.method === 'resources/read' ? params.uri : request.method === 'tools/call' || request.method === 'prompts/get' ? params.name : undefined
  if (typeof name === 'string') headers['mcp-name'] = headerValue(name)
  return headers
}

/** An HTTP error body that is a JSON-RPC error, as the answer to request `id`. */
function errorAnswer(text: string, id: RequestId): JSONRPCMessage | undefined {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    return undefined
  }
  const checked = check(value)
  if (!checked.ok || !('error' in checked.message)) return undefined
  return { ...checked.message, id }
}
