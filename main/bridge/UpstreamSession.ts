import * as Deadline from '../shared/Deadline.js'
import type { Logger } from '../shared/Log.js'
import {
  ErrorCode,
  errorResponse,
  isResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
  type RequestId,
} from './JsonRpc.js'
import { LegacySse } from './transports/LegacySse.js'
import { Stdio } from './transports/Stdio.js'
import { StreamableHttp } from './transports/StreamableHttp.js'
import type { Transport } from './transports/Transport.js'
import { UpstreamError } from './transports/UpstreamError.js'
import { describe, transportOrder, type HttpTransportKind, type UpstreamTarget } from './UpstreamTarget.js'

/**
 * One MCP session with the upstream over one transport. It matches responses to the requests
 * sent through it and hands everything else (server requests, notifications) on. A request
 * left unanswered, because its exchange failed or the connection was lost, is answered with an
 * error, so the host never hangs; the relay then opens a new session.
 */
export class UpstreamSession {
  private readonly pending = new Map<RequestId, (response: JSONRPCResponse) => void>()
  private closed = false

  private constructor(
    private readonly transport: Transport,
    readonly name: string,
    private readonly handlers: UpstreamSession.Handlers,
    private readonly log: Logger,
  ) {
    transport.onmessage = (message) => this.receive(message)
    transport.onlost = (reason) => this.lose(reason)
    transport.oninvalid = (reason) => log.warn(`${name} sent ${reason}; ignored`)
  }

  /**
   * Connects and sends `initialize`, trying the target's transports in order: an HTTP server that
   * rejects Streamable HTTP with 404 or 405 is tried again over the legacy HTTP+SSE transport.
   */
  static async open(parameters: UpstreamSession.OpenParameters): Promise<UpstreamSession.Opened> {
    const { target, initialize, handlers, log, timeoutMs = 15_000 } = parameters
    const name = describe(target)
    const kinds = target.kind === 'http' ? transportOrder(target.strategy) : (['stdio'] as const)
    let lastError: UpstreamError | undefined
    for (const [index, kind] of kinds.entries()) {
      const session = new UpstreamSession(createTransport(target, kind, name), name, handlers, log)
      try {
        await Deadline.within(session.transport.start(), timeoutMs, () => new UpstreamError('timeout', name, `no connection after ${timeoutMs} ms`))
        const response = await session.call(initialize, timeoutMs)
        if ('result' in response && typeof response.result.protocolVersion === 'string') {
          session.transport.setProtocolVersion?.(response.result.protocolVersion)
        }
        log.info(`connected to ${name} over ${kind}`)
        return { session, response }
      } catch (error) {
        lastError = error instanceof UpstreamError ? error : new UpstreamError('unreachable', name, (error as Error).message)
        await session.close({ terminate: false })
        const wrongTransport = lastError.status === 404 || lastError.status === 405
        if (!wrongTransport || index === kinds.length - 1) break
        log.info(`${name} refused ${kind} (HTTP ${lastError.status}); trying ${kinds[index + 1]}`)
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
      // An answer that arrived before the exchange failed stands; otherwise the caller hears why.
      if (this.pending.delete(message.id)) throw asUpstreamError(error, this.name)
    }
  }

  /** A request whose answer is awaited (the bridge's own: initialize, restores). */
  call(message: JSONRPCRequest, timeoutMs = 15_000): Promise<JSONRPCResponse> {
    return Deadline.within(
      new Promise<JSONRPCResponse>((resolve, reject) => this.request(message, resolve).catch(reject)),
      timeoutMs,
      () => {
        this.pending.delete(message.id)
        return new UpstreamError('timeout', this.name, `no answer to ${message.method} within ${timeoutMs} ms`)
      },
    )
  }

  /** Sends a notification, or an answer to a server request. */
  async send(message: JSONRPCMessage): Promise<void> {
    if (this.closed) throw new UpstreamError('closed', this.name, 'the session is closed')
    await this.transport.send(message).catch((error: unknown) => Promise.reject(asUpstreamError(error, this.name)))
  }

  /** Stops waiting for a request's answer (the host cancelled it). */
  forget(id: RequestId): void {
    this.pending.delete(id)
  }

  /** Ends the session: DELETE on Streamable HTTP when `terminate`, then closes the transport. */
  async close({ terminate }: { terminate: boolean }): Promise<void> {
    if (this.closed) return
    this.closed = true
    this.failPending('the bridge closed the session')
    if (terminate) await this.transport.terminate?.().catch(() => {})
    await this.transport.close()
  }

  /** The upstream process's PID, for stdio targets. */
  get pid(): number | undefined {
    return this.transport.pid
  }

  private receive(message: JSONRPCMessage): void {
    if (isResponse(message)) {
      const id = message.id as RequestId // an error answering unparseable input may carry id null
      const onResponse = this.pending.get(id)
      if (onResponse) {
        this.pending.delete(id)
        onResponse(message)
      } else {
        this.log.debug(`dropped a response from ${this.name} for an unknown or cancelled id ${JSON.stringify(message.id)}`)
      }
      return
    }
    this.handlers.onMessage(message)
  }

  private lose(reason: string): void {
    if (this.closed) return
    this.log.warn(`lost ${this.name}: ${reason}`)
    this.failPending(reason)
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

function createTransport(target: UpstreamTarget, kind: HttpTransportKind | 'stdio', name: string): Transport {
  if (target.kind === 'stdio') return new Stdio(target.command, target.args, name)
  return kind === 'sse' ? new LegacySse(target.url, target.headers, name) : new StreamableHttp(target.url, target.headers, name)
}

function asUpstreamError(error: unknown, name: string): UpstreamError {
  return error instanceof UpstreamError ? error : new UpstreamError('unreachable', name, (error as Error).message)
}
