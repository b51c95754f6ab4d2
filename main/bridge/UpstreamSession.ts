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
import * as Era from './era/Era.js'
import type { EraMemory } from './era/EraMemory.js'
import type { ParamHeaders } from './era/ParamHeaders.js'

/**
 * One MCP session with the upstream over one transport, in one era. It matches responses to the
 * requests sent through it and hands everything else (server requests, notifications) on. A
 * request left unanswered, because its exchange failed or the connection was lost, is answered
 * with an error, so the host never hangs; the relay then opens a new session.
 *
 * On the modern era there is no session on the server's side: this one adds the host's identity
 * and capabilities to every request instead, and drops what the modern wire has no place for.
 */
export class UpstreamSession {
  private readonly pending = new Map<RequestId, (response: JSONRPCResponse) => void>()
  private closed = false
  /** Set on the modern era: what each request says about its client. */
  private envelope: Era.Envelope | undefined

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
   * Connects in the upstream's era. Unless the server is remembered as legacy, a modern request
   * (`server/discover`) comes first: a discovery or a modern error means modern; any other answer,
   * or silence from a local process, means legacy. Never an authorization wall, a server error or
   * a dead server: those fail. On the legacy era, `initialize` is sent over the target's
   * transports in order: an HTTP server that rejects Streamable HTTP with 404 or 405 is tried
   * again over the legacy HTTP+SSE transport.
   */
  static async open(parameters: UpstreamSession.OpenParameters): Promise<UpstreamSession.Opened> {
    const { target, memory } = parameters
    const probeable = target.kind === 'stdio' || transportOrder(target.strategy)[0] === 'streamable-http'
    if (!probeable) return UpstreamSession.openLegacy(parameters)
    const remembered = memory?.recall(target)
    if (remembered === 'legacy') {
      try {
        return await UpstreamSession.openLegacy(parameters)
      } catch (error) {
        // The server may have moved to the modern era since: ask it before giving up.
        if (!(error instanceof UpstreamError && error.kind === 'rejected')) throw error
        parameters.log.info(`${describe(target)} refused initialize; probing its era again`)
      }
    }
    const probed = await UpstreamSession.probe(parameters)
    memory?.remember(target, probed.era)
    if (probed.era === 'modern') return probed.opened
    return UpstreamSession.openLegacy(parameters, probed.reusable)
  }

  private static async probe(parameters: UpstreamSession.OpenParameters): Promise<{ era: 'modern'; opened: UpstreamSession.Opened } | { era: 'legacy'; reusable?: UpstreamSession }> {
    const { target, initialize, handlers, log, timeoutMs = 15_000 } = parameters
    const name = describe(target)
    const session = new UpstreamSession(createTransport(target, target.kind === 'stdio' ? 'stdio' : 'streamable-http', name, parameters.authorization), name, handlers, log)
    session.envelope = envelopeOf(initialize)
    session.transport.useModernEra?.(parameters.paramHeaders)
    let response: JSONRPCResponse
    try {
      await Deadline.within(session.transport.start(), timeoutMs, () => new UpstreamError('timeout', name, `no connection after ${timeoutMs} ms`))
      // A local process that never answers an unknown request before `initialize` is a legacy one.
      const probeMs = target.kind === 'stdio' ? Math.min(timeoutMs, stdioProbeMs) : timeoutMs
      response = await session.call({ jsonrpc: '2.0', id: 'allowance-discover', method: 'server/discover' }, probeMs)
    } catch (error) {
      await session.close({ terminate: false })
      const failure = asUpstreamError(error, name)
      if (target.kind === 'stdio' && (failure.kind === 'timeout' || failure.kind === 'closed')) {
        log.info(`${name} did not answer server/discover (${failure.kind}); speaking the 2025 era`)
        return { era: 'legacy' }
      }
      // An authorization wall, a server error or a dead server says nothing about the era.
      const status = failure.status ?? 0
      if (failure.kind !== 'rejected' || status === 401 || status === 403 || status >= 500) throw failure
      log.info(`${name} refused a modern request (HTTP ${status}); speaking the 2025 era`)
      return { era: 'legacy' }
    }
    const discovery = Era.discoveryIn(response, name)
    if (discovery && discovery.supportedVersions.includes(Era.modernVersion)) {
      log.info(`connected to ${name} over ${target.kind === 'stdio' ? 'stdio' : 'streamable-http'} (MCP ${Era.modernVersion})`)
      session.discovery = discovery
      return { era: 'modern', opened: { session, response: Era.initializeAnswer(initialize, discovery) } }
    }
    if (discovery || Era.isModernError(response)) {
      await session.close({ terminate: false })
      const versions = discovery?.supportedVersions ?? Era.supportedIn(response)
      throw new UpstreamError('rejected', name, `it speaks MCP ${versions.join(', ') || 'versions it did not name'}, and the bridge speaks ${Era.modernVersion} or the 2025 era`)
    }
    log.info(`${name} answered server/discover with an error; speaking the 2025 era`)
    // A local process that answered is still uninitialized: keep it rather than start another,
    // unless it exited on the probe, as some legacy servers do.
    if (target.kind === 'stdio' && !session.closed) {
      session.envelope = undefined
      return { era: 'legacy', reusable: session }
    }
    await session.close({ terminate: false })
    return { era: 'legacy' }
  }

  private static async openLegacy(parameters: UpstreamSession.OpenParameters, reusable?: UpstreamSession): Promise<UpstreamSession.Opened> {
    const { target, initialize, handlers, log, timeoutMs = 15_000 } = parameters
    const name = describe(target)
    const kinds = target.kind === 'http' ? transportOrder(target.strategy) : (['stdio'] as const)
    let lastError: UpstreamError | undefined
    for (const [index, kind] of kinds.entries()) {
      const session = reusable ?? new UpstreamSession(createTransport(target, kind, name, parameters.authorization), name, handlers, log)
      try {
        if (!reusable) await Deadline.within(session.transport.start(), timeoutMs, () => new UpstreamError('timeout', name, `no connection after ${timeoutMs} ms`))
        reusable = undefined
        const response = await session.call(initialize, timeoutMs)
        if ('result' in response && typeof response.result.protocolVersion === 'string') {
          session.transport.setProtocolVersion?.(response.result.protocolVersion)
        }
        log.info(`connected to ${name} over ${kind}`)
        return { session, response }
      } catch (error) {
        reusable = undefined
        lastError = error instanceof UpstreamError ? error : new UpstreamError('unreachable', name, (error as Error).message)
        await session.close({ terminate: false })
        const wrongTransport = lastError.status === 404 || lastError.status === 405
        if (!wrongTransport || index === kinds.length - 1) break
        log.info(`${name} refused ${kind} (HTTP ${lastError.status}); trying ${kinds[index + 1]}`)
      }
    }
    throw lastError
  }

  /** The era this session speaks. */
  get era(): Era.Era {
    return this.envelope ? 'modern' : 'legacy'
  }

  /** Modern era: what `server/discover` said (capabilities, identity). */
  discovery: Era.Discovery | undefined

  /** Modern era: the log level the host asked for, sent with every request from now on. */
  setLogLevel(level: string | undefined): void {
    if (this.envelope) this.envelope = { ...this.envelope, logLevel: level }
  }

  /** Sends a request; `onResponse` runs synchronously when its answer arrives, in stream order. */
  async request(message: JSONRPCRequest, onResponse: (response: JSONRPCResponse) => void): Promise<void> {
    if (this.closed) throw new UpstreamError('closed', this.name, 'the session is closed')
    if (this.envelope) message = Era.withEnvelope(message, this.envelope)
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
    // The modern era has no handshake to finish and no server requests to answer.
    if (this.envelope && !('method' in message && message.method === 'notifications/cancelled')) return
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
    /** The host's `initialize` (payment capability added): sent as is on the legacy era, the envelope's source on the modern one. */
    initialize: JSONRPCRequest
    handlers: Handlers
    log: Logger
    /** Each upstream's era from earlier runs. */
    memory?: EraMemory | undefined
    /** Modern HTTP: the tool parameters mirrored into headers. */
    paramHeaders?: ParamHeaders | undefined
    /** HTTP: the `Authorization` header a request to a URL carries (a token from the companion). */
    authorization?: ((url: URL) => string | undefined) | undefined
    timeoutMs?: number
  }
  type Opened = { session: UpstreamSession; response: JSONRPCResponse }
}

function createTransport(target: UpstreamTarget, kind: HttpTransportKind | 'stdio', name: string, authorization?: (url: URL) => string | undefined): Transport {
  if (target.kind === 'stdio') return new Stdio(target.command, target.args, name)
  return kind === 'sse' ? new LegacySse(target.url, target.headers, name, authorization) : new StreamableHttp(target.url, target.headers, name, authorization)
}

/**
 * How long a local process may take to answer the era probe before it counts as a legacy one: long
 * enough for a modern server that is slow to start (an SDK v2 server takes seconds on a loaded
 * machine), paid once per server, since the verdict is remembered.
 */
const stdioProbeMs = 10_000

/** The modern envelope from the host's `initialize`: its capabilities and identity, as it declared them. */
function envelopeOf(initialize: JSONRPCRequest): Era.Envelope {
  const params = (initialize.params ?? {}) as { capabilities?: unknown; clientInfo?: { name?: unknown; version?: unknown } }
  const capabilities = typeof params.capabilities === 'object' && params.capabilities !== null ? (params.capabilities as Record<string, unknown>) : {}
  const name = typeof params.clientInfo?.name === 'string' ? params.clientInfo.name : 'unknown host'
  const version = typeof params.clientInfo?.version === 'string' ? params.clientInfo.version : '0'
  return { clientCapabilities: capabilities, clientInfo: { name, version } }
}

function asUpstreamError(error: unknown, name: string): UpstreamError {
  return error instanceof UpstreamError ? error : new UpstreamError('unreachable', name, (error as Error).message)
}
