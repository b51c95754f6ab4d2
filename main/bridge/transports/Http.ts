import * as http from 'node:http'
import * as https from 'node:https'
import { createParser, type EventSourceMessage } from 'eventsource-parser'
import * as ErrorWords from '../../shared/ErrorWords.js'
import { check, type JSONRPCMessage } from '../JsonRpc.js'
import { UpstreamError } from './UpstreamError.js'

/**
 * HTTP plumbing shared by the two HTTP transports, on `node:http` rather than `fetch`: loading
 * undici costs a cold-started bridge tens of milliseconds, and hosts start bridges often.
 */
export class HttpClient {
  private readonly agent: http.Agent
  private readonly inFlight = new Set<http.ClientRequest>()

  constructor(
    private readonly upstream: string,
    secure: boolean,
    private readonly headers: Record<string, string>,
    /** The `Authorization` header a request to `url` carries, if any (a token from the companion). */
    private readonly authorization?: (url: URL) => string | undefined,
  ) {
    this.agent = secure ? new https.Agent({ keepAlive: true }) : new http.Agent({ keepAlive: true })
  }

  /** Sends a request and resolves with the response head; the body is the caller's to read. */
  request(url: URL, method: string, headers: Record<string, string>, body?: string, signal?: AbortSignal): Promise<http.IncomingMessage> {
    return new Promise((resolve, reject) => {
      const send = url.protocol === 'https:' ? https.request : http.request
      const token = this.authorization?.(url)
      const options: http.RequestOptions = { method, agent: this.agent, headers: token === undefined ? { ...this.headers, ...headers } : { ...this.headers, ...headers, authorization: token } }
      if (signal) options.signal = signal
      const request = send(url, options, (response) => {
        response.once('close', () => this.inFlight.delete(request))
        resolve(response)
      })
      this.inFlight.add(request)
      // Only a connection that was never made proves the request never reached the server.
      let connected = false
      request.once('socket', (socket) => {
        if (socket.connecting) socket.once('connect', () => (connected = true))
        else connected = true
      })
      request.once('error', (error: NodeJS.ErrnoException) => {
        this.inFlight.delete(request)
        reject(new UpstreamError(connected ? 'closed' : 'unreachable', this.upstream, ErrorWords.describe(error)))
      })
      request.end(body)
    })
  }

  /** Aborts every request still open (event streams included) and frees the sockets. */
  close(): void {
    for (const request of this.inFlight) request.destroy()
    this.inFlight.clear()
    this.agent.destroy()
  }
}

export function contentType(response: http.IncomingMessage): string {
  return (response.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase()
}

/** Reads a whole body as text, at most `limit` bytes (an error body is only ever quoted). */
export function readText(response: http.IncomingMessage, limit = 64 * 1024 * 1024): Promise<string> {
  return new Promise((resolve, reject) => {
    let text = ''
    response.setEncoding('utf8')
    response.on('data', (chunk: string) => {
      text += chunk
      if (text.length > limit) response.destroy(new Error(`body larger than ${limit} bytes`))
    })
    settleAtEnd(response, () => resolve(text), reject)
  })
}

/**
 * Reads a `text/event-stream` body, calling `onEvent` for each event as it arrives.
 * Resolves when the server ends the stream; rejects when the connection breaks.
 */
export function readEvents(response: http.IncomingMessage, onEvent: (event: EventSourceMessage) => void): Promise<void> {
  return new Promise((resolve, reject) => {
    const parser = createParser({ onEvent })
    response.setEncoding('utf8')
    response.on('data', (chunk: string) => parser.feed(chunk))
    settleAtEnd(response, resolve, reject)
  })
}

/**
 * A refusal that asks for authorization: any 401, and a 403 whose Bearer challenge says
 * `insufficient_scope`. Its `WWW-Authenticate` header says how to sign in.
 */
export function authorizationWanted(response: http.IncomingMessage): string | undefined {
  const status = response.statusCode ?? 0
  const header = response.headers['www-authenticate']
  const challenge = Array.isArray(header) ? header.join(', ') : header
  if (status === 401) return challenge ?? ''
  if (status === 403 && challenge && /insufficient_scope/.test(challenge)) return challenge
  return undefined
}

/** An error body, shortened for a message a person reads. */
export function summarize(status: number, body: string): string {
  const text = body.replace(/\s+/g, ' ').trim()
  return `HTTP ${status}${text ? `: ${text.length > 300 ? `${text.slice(0, 300)}…` : text}` : ''}`
}

/** Resolves at the body's end; rejects when the connection breaks before it. */
function settleAtEnd(response: http.IncomingMessage, resolve: () => void, reject: (error: Error) => void): void {
  let ended = false
  response.once('end', () => {
    ended = true
    resolve()
  })
  response.once('error', reject)
  response.once('close', () => {
    if (!ended) reject(new Error('the connection closed before the response ended'))
  })
}

/** Hands on every JSON-RPC message in a body or event (one, or a list); reports what is none. */
export function deliver(text: string, dispatch: (message: JSONRPCMessage) => void, oninvalid: (reason: string) => void): void {
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch {
    oninvalid(`a body that is not JSON: ${text.slice(0, 120)}`)
    return
  }
  for (const item of Array.isArray(value) ? value : [value]) {
    const checked = check(item)
    if (checked.ok) dispatch(checked.message)
    else oninvalid(`a message that is not JSON-RPC: ${checked.reason}`)
  }
}
