import type { IncomingMessage } from 'node:http'
import type { EventSourceMessage } from 'eventsource-parser'
import { isRequest, type JSONRPCMessage } from '../JsonRpc.js'
import { contentType, deliver, HttpClient, readEvents, readText, summarize } from './Http.js'
import type { Transport } from './Transport.js'
import { UpstreamError } from './UpstreamError.js'
import * as ErrorWords from '../../shared/ErrorWords.js'

/**
 * The MCP Streamable HTTP transport, client side: each message is a POST whose answer comes back
 * as JSON or as an event stream; after `notifications/initialized`, a GET stream carries what
 * the server sends on its own. The session id and protocol version ride in headers.
 */
export class StreamableHttp implements Transport {
  private readonly http: HttpClient
  private sessionId: string | undefined
  private protocolVersion: string | undefined
  private listening = false
  private closed = false
  onmessage?: (message: JSONRPCMessage) => void
  onlost?: (reason: string) => void
  oninvalid?: (reason: string) => void

  constructor(
    private readonly url: URL,
    headers: Record<string, string>,
    private readonly upstream: string,
  ) {
    this.http = new HttpClient(upstream, url.protocol === 'https:', headers)
  }

  async start(): Promise<void> {}

  setProtocolVersion(version: string): void {
    this.protocolVersion = version
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const headers = { ...this.sessionHeaders(), 'content-type': 'application/json', accept: 'application/json, text/event-stream' }
    const response = await this.http.request(this.url, 'POST', headers, JSON.stringify(message))
    return this.receive(message, response)
  }

  private async receive(message: JSONRPCMessage, response: IncomingMessage): Promise<void> {
    const session = response.headers['mcp-session-id']
    if (typeof session === 'string' && session) this.sessionId = session
    const status = response.statusCode ?? 0
    if (status < 200 || status >= 300) {
      const text = await readText(response, 4096).catch(() => '')
      const expired = status === 404 || (status === 400 && /session/i.test(text))
      if (expired && this.sessionId && !(isRequest(message) && message.method === 'initialize')) {
        throw new UpstreamError('session_expired', this.upstream, summarize(status, text), status)
      }
      throw new UpstreamError('rejected', this.upstream, summarize(status, text), status)
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
    if (!this.sessionId || this.closed) return
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
