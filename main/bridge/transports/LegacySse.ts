import type { JSONRPCMessage } from '../JsonRpc.js'
import { authorizationWanted, contentType, deliver, HttpClient, readEvents, readText, summarize } from './Http.js'
import type { Transport } from './Transport.js'
import { UpstreamError } from './UpstreamError.js'
import * as ErrorWords from '../../shared/ErrorWords.js'

/**
 * The legacy HTTP+SSE transport (MCP 2024-11-05): a GET event stream whose first `endpoint`
 * event names the URL to POST messages to; every answer arrives on the stream.
 */
export class LegacySse implements Transport {
  private readonly http: HttpClient
  private endpoint: URL | undefined
  private protocolVersion: string | undefined
  private closed = false
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

  async start(): Promise<void> {
    const response = await this.http.request(this.url, 'GET', { accept: 'text/event-stream' })
    const status = response.statusCode ?? 0
    if (status !== 200 || contentType(response) !== 'text/event-stream') {
      const challenge = authorizationWanted(response)
      const text = await readText(response, 4096).catch(() => '')
      if (challenge !== undefined) throw new UpstreamError('unauthorized', this.upstream, `the event stream was refused: ${summarize(status, text)}`, status, text, challenge)
      throw new UpstreamError('rejected', this.upstream, `the event stream was refused: ${summarize(status, text)}`, status)
    }
    await new Promise<void>((resolve, reject) => {
      readEvents(response, (event) => {
        if (event.event === 'endpoint') {
          const endpoint = new URL(event.data, this.url)
          if (endpoint.origin !== this.url.origin) {
            reject(new UpstreamError('invalid_response', this.upstream, `the message endpoint ${endpoint.origin} is on another origin`))
            return
          }
          this.endpoint = endpoint
          resolve()
        } else if (!event.event || event.event === 'message') {
          deliver(event.data, (message) => this.onmessage?.(message), (reason) => this.oninvalid?.(reason))
        }
      }).then(
        () => this.lost('the server ended the event stream'),
        (error: Error) => this.lost(`the event stream broke: ${ErrorWords.describe(error)}`),
      )
      response.once('close', () => reject(new UpstreamError('closed', this.upstream, 'the event stream closed before naming an endpoint')))
    })
  }

  setProtocolVersion(version: string): void {
    this.protocolVersion = version
  }

  async send(message: JSONRPCMessage): Promise<void> {
    if (!this.endpoint) throw new UpstreamError('closed', this.upstream, 'not connected')
    const headers: Record<string, string> = { 'content-type': 'application/json' }
    if (this.protocolVersion) headers['mcp-protocol-version'] = this.protocolVersion
    const response = await this.http.request(this.endpoint, 'POST', headers, JSON.stringify(message))
    const status = response.statusCode ?? 0
    const challenge = authorizationWanted(response)
    const text = await readText(response, 4096).catch(() => '')
    if (challenge !== undefined) throw new UpstreamError('unauthorized', this.upstream, summarize(status, text), status, text, challenge)
    if (status === 404) throw new UpstreamError('session_expired', this.upstream, summarize(status, text), status)
    if (status < 200 || status >= 300) throw new UpstreamError('rejected', this.upstream, summarize(status, text), status)
  }

  async close(): Promise<void> {
    this.closed = true
    this.http.close()
  }

  private lost(reason: string): void {
    if (!this.closed) this.onlost?.(reason)
  }
}
