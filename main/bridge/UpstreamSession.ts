import { SSEClientTransport } from '@modelcontextprotocol/sdk/client/sse.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { describeError, type Logger } from '../shared/Log.js'
import {
  ErrorCode,
  errorResponse,
  isResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type RequestId,
} from './JsonRpc.js'
import { describe, transportOrder, type HttpTransportKind, type UpstreamTarget } from './UpstreamTarget.js'

/** Why talking to the upstream failed, sorted by what the relay does about it. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamError.Kind,
    readonly upstream: string,
    detail: string,
  ) {
    super(`Upstream ${upstream} ${UpstreamError.phrase[kind]}: ${detail}`)
  }

  static readonly phrase: Record<UpstreamError.Kind, string> = {
    unreachable: 'is unreachable',
    session_expired: 'expired the session',
    rejected: 'rejected the request',
    invalid_response: 'sent an invalid response',
    closed: 'closed the connection',
    timeout: 'did not answer in time',
  }
}

export declare namespace UpstreamError {
  type Kind = 'unreachable' | 'session_expired' | 'rejected' | 'invalid_response' | 'closed' | 'timeout'
}

/**
 * One MCP session with the upstream over one transport. It matches responses to the requests
 * that were sent through it and hands everything else (server requests, notifications) on.
 * When the connection is lost, every request still waiting is answered with an error, so the
 * host never hangs; the relay then opens a new session.
 */
export class UpstreamSession {
  private readonly pending = new Map<RequestId, (response: JSONRPCResponse) => void>()
  private closed = false
  readonly name: string

  private constructor(
    private readonly transport: Transport,
    readonly transportKind: HttpTransportKind | 'stdio',
    target: UpstreamTarget,
    private readonly handlers: UpstreamSession.Handlers,
    private readonly log: Logger,
  ) {
    this.name = describe(target)
    transport.onmessage = (message) => this.receive(message)
    transport.onerror = (error) => this.transportError(error)
    transport.onclose = () => this.lose('the connection closed')
  }

  /**
   * Connects and sends `initialize`, trying the target's transports in order: an HTTP server that
   * rejects Streamable HTTP with 404 or 405 is retried over the legacy HTTP+SSE transport.
   */
  static async open(parameters: UpstreamSession.OpenParameters): Promise<UpstreamSession.Opened> {
    const { target, initialize, handlers, log, timeoutMs = 15_000 } = parameters
    const kinds = target.kind === 'http' ? transportOrder(target.strategy) : (['stdio'] as const)
    let lastError: unknown
    for (const [index, kind] of kinds.entries()) {
      const session = new UpstreamSession(createTransport(target, kind), kind, target, handlers, log)
      try {
        await withTimeout(session.transport.start(), timeoutMs, () => new UpstreamError('timeout', session.name, `no connection after ${timeoutMs} ms`))
        const response = await session.call(initialize, timeoutMs)
        if ('result' in response && typeof response.result.protocolVersion === 'string') {
          session.transport.setProtocolVersion?.(response.result.protocolVersion)
        }
        log.info(`connected to ${session.name} over ${kind}`)
        return { session, response }
      } catch (error) {
        lastError = error instanceof UpstreamError ? error : session.classify(error)
        await session.close({ terminate: false })
        const rejectedTransport =
          lastError instanceof UpstreamError && lastError.kind === 'rejected' && /\b(404|405)\b/.test(lastError.message)
        if (!rejectedTransport || index === kinds.length - 1) break
        log.info(`${session.name} rejected ${kind}; falling back to ${kinds[index + 1]}`)
      }
    }
    throw lastError
  }

  /** Sends a request; `onResponse` runs synchronously when its answer arrives, in stream order. */
  async request(message: JSONRPCRequest, onResponse: (response: JSONRPCResponse) => void): Promise<void> {
    if (this.closed) throw new UpstreamError('closed', this.name, 'the session is closed')
    this.pending.set(message.id, onResponse)
    try {
      await this.transport.send(message)
    } catch (error) {
      this.pending.delete(message.id)
      throw this.classify(error)
    }
  }

  /** A request whose answer is awaited (the bridge's own: initialize, replays). */
  call(message: JSONRPCRequest, timeoutMs = 15_000): Promise<JSONRPCResponse> {
    return withTimeout(
      new Promise<JSONRPCResponse>((resolve, reject) => this.request(message, resolve).catch(reject)),
      timeoutMs,
      () => {
        this.pending.delete(message.id)
        return new UpstreamError('timeout', this.name, `no answer to ${message.method} within ${timeoutMs} ms`)
      },
    )
  }

  /** Sends a notification or a response to a server request. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new UpstreamError('closed', this.name, 'the session is closed')
    try {
      await this.transport.send(message)
    } catch (error) {
      throw this.classify(error)
    }
  }

  /** Stops waiting for a request's answer (the host cancelled it). */
  forget(id: RequestId): void {
    this.pending.delete(id)
  }

  get isClosed(): boolean {
    return this.closed
  }

  /** Ends the session: DELETE on Streamable HTTP when `terminate`, then closes the transport. */
  async close({ terminate }: { terminate: boolean }): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.failPending('the bridge closed the session')
    const transport = this.transport
    if (terminate && transport instanceof StreamableHTTPClientTransport) {
      await transport.terminateSession().catch(() => {})
    }
    transport.onclose = undefined
    transport.onerror = undefined
    await transport.close().catch(() => {})
  }

  /** The upstream child's PID, for stdio targets. */
  get pid(): number | null | undefined {
    return this.transport instanceof StdioClientTransport ? this.transport.pid : undefined
  }

  private receive(message: JSONRPCMessage): void {
    if (isResponse(message)) {
      const onResponse = this.pending.get(message.id)
      if (onResponse) {
        this.pending.delete(message.id)
        onResponse(message)
      } else {
        this.log.debug(`dropped a response from ${this.name} for unknown or cancelled id ${JSON.stringify(message.id)}`)
      }
      return
    }
    this.handlers.onMessage(message)
  }

  private transportError(error: Error): void {
    const text = describeError(error)
    if (/SSE stream disconnected|Maximum reconnection attempts|Failed to reconnect/.test(text)) {
      this.lose(text)
    } else if (this.transport instanceof SSEClientTransport && /SSE error/.test(text)) {
      this.lose(text) // the legacy transport's event stream is the session; without it, nothing arrives
    } else if (/JSON|Zod|invalid_union|Unexpected token/i.test(text)) {
      this.log.warn(`${this.name} sent a message that is not valid JSON-RPC; ignored: ${text.slice(0, 200)}`)
    } else {
      this.log.debug(`transport error from ${this.name}: ${text}`)
    }
  }

  private lose(reason: string): void {
    if (this.closed) return
    this.log.warn(`lost ${this.name}: ${reason}`)
    void this.close({ terminate: false })
    this.handlers.onLost(this, reason)
  }

  private failPending(reason: string): void {
    for (const [id, onResponse] of this.pending) {
      onResponse(
        errorResponse(id, ErrorCode.UpstreamUnavailable, `Upstream ${this.name} stopped before answering: ${reason}.`, {
          upstream: this.name,
          reason: 'connection_lost',
        }),
      )
    }
    this.pending.clear()
  }

  private classify(error: unknown): UpstreamError {
    if (error instanceof UpstreamError) return error
    const detail = describeError(error)
    if (error instanceof StreamableHTTPError) {
      const session = (this.transport as StreamableHTTPClientTransport).sessionId
      if (session && (error.code === 404 || (error.code === 400 && /session/i.test(detail)))) {
        return new UpstreamError('session_expired', this.name, detail)
      }
      if (error.code === -1) return new UpstreamError('invalid_response', this.name, detail)
      return new UpstreamError('rejected', this.name, `HTTP ${error.code}: ${detail}`)
    }
    const status = /\(HTTP (\d{3})\)/.exec(detail)?.[1] // the legacy SSE transport's POST errors
    if (status === '404') return new UpstreamError('session_expired', this.name, detail)
    if (status) return new UpstreamError('rejected', this.name, `HTTP ${status}: ${detail}`)
    if (error instanceof SyntaxError || /ZodError|invalid_union|JSON/.test(detail)) {
      return new UpstreamError('invalid_response', this.name, detail)
    }
    if (/Not connected|closed/i.test(detail)) return new UpstreamError('closed', this.name, detail)
    if (/SSE error/.test(detail)) {
      const code = /Non-200 status code \((\d{3})\)/.exec(detail)?.[1]
      if (code) return new UpstreamError('rejected', this.name, `HTTP ${code}: ${detail}`)
    }
    return new UpstreamError('unreachable', this.name, detail)
  }
}

export declare namespace UpstreamSession {
  type Handlers = {
    /** A server→client request or notification. */
    onMessage(message: JSONRPCMessage): void
    /** The connection broke; pending requests have been answered with errors. */
    onLost(session: UpstreamSession, reason: string): void
  }
  type OpenParameters = {
    target: UpstreamTarget
    initialize: JSONRPCRequest
    handlers: Handlers
    log: Logger
    timeoutMs?: number
  }
  type Opened = { session: UpstreamSession; response: JSONRPCResponse }
}

function createTransport(target: UpstreamTarget, kind: HttpTransportKind | 'stdio'): Transport {
  if (target.kind === 'stdio') {
    // The host chose the environment for us; the upstream process gets all of it.
    return new StdioClientTransport({
      command: target.command,
      args: target.args,
      env: process.env as Record<string, string>,
      stderr: 'inherit',
    })
  }
  const requestInit = { headers: target.headers }
  return kind === 'sse'
    ? new SSEClientTransport(target.url, { requestInit })
    : new StreamableHTTPClientTransport(target.url, { requestInit })
}

function withTimeout<T>(promise: Promise<T>, ms: number, onTimeout: () => Error): Promise<T> {
  let timer: NodeJS.Timeout | undefined
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(onTimeout()), ms)
  })
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer))
}
