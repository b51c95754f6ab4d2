import type { Logger } from '../shared/Log.js'
import * as Capability from './Capability.js'
import {
  ErrorCode,
  errorResponse,
  isNotification,
  isRequest,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from './JsonRpc.js'
import type { CompanionClient } from '../wire/Client.js'
import { PaidCall } from './PaidCall.js'
import * as Payment from './Payment.js'
import { UpstreamError } from './transports/UpstreamError.js'
import { UpstreamSession } from './UpstreamSession.js'
import { describe, type UpstreamTarget } from './UpstreamTarget.js'

/**
 * The bridge's core: relays JSON-RPC between the host and one upstream, keeping the host's ids,
 * and keeps an upstream session alive underneath the host's single MCP session:
 * - the host's `initialize` opens a session (with the payment capability added);
 * - a session the server expired is re-initialized and the request replayed, once;
 * - a lost upstream is reconnected with backoff, and requests meanwhile get a clear error.
 */
export class Relay {
  private session: UpstreamSession | undefined
  /** The host's `initialize`, as sent upstream; replayed (under a bridge id) to renew sessions. */
  private initialize: JSONRPCRequest | undefined
  private opening: Promise<unknown> | undefined
  private renewing: Promise<UpstreamSession> | undefined
  private reconnectTimer: NodeJS.Timeout | undefined
  private reconnectAttempt = 0
  private stopped = false
  private nextInternalId = 0
  /** Session state the host built up, restored on a renewed session. */
  private readonly subscriptions = new Set<string>()
  private logLevel: unknown
  /** Host requests being paid for, by the host's id. */
  private readonly paidCalls = new Map<string | number, PaidCall>()
  readonly upstreamName: string

  constructor(
    private readonly target: UpstreamTarget,
    private readonly toHost: (message: JSONRPCMessage) => void,
    private readonly log: Logger,
    private readonly options: Relay.Options = {},
  ) {
    this.upstreamName = describe(target)
  }

  fromHost(message: JSONRPCMessage): void {
    if (this.stopped) return
    if (isRequest(message)) {
      if (message.method === 'initialize') void this.openForHost(message)
      else void this.forward(message)
      return
    }
    if (isNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: string | number } | undefined)?.requestId
      const paid = id === undefined ? undefined : this.paidCalls.get(id)
      if (paid) {
        // The upstream knows the paid retry by the bridge's id, if it has it at all.
        paid.cancel()
        if (!paid.retryId) return
        message = { ...message, params: { ...message.params, requestId: paid.retryId } }
      } else if (id !== undefined) this.session?.forget(id)
    }
    // Notifications and answers to server requests go to the current session as they are.
    const session = this.session
    if (!session) {
      this.log.debug(`no upstream session; dropped a host ${'method' in message ? message.method : 'response'}`)
      return
    }
    session.send(message).catch((error: unknown) => this.log.warn(`could not forward to ${this.upstreamName}: ${(error as Error).message}`))
  }

  /** Closes the upstream session (DELETE for Streamable HTTP) and stops reconnecting. */
  async stop(): Promise<void> {
    this.stopped = true
    clearTimeout(this.reconnectTimer)
    await this.session?.close({ terminate: true })
  }

  get upstreamPid(): number | null | undefined {
    return this.session?.pid
  }

  private async openForHost(request: JSONRPCRequest): Promise<void> {
    const initialize = withPaymentCapability(request)
    this.initialize = initialize
    // A host that initializes again starts over with a fresh upstream session.
    const previous = this.session
    this.session = undefined
    clearTimeout(this.reconnectTimer)
    this.reconnectTimer = undefined
    const opening = (async () => {
      await previous?.close({ terminate: true })
      const { session, response } = await this.openSession(initialize)
      this.session = session
      this.reconnectAttempt = 0
      this.toHost(response)
    })()
    this.opening = opening
    try {
      await opening
    } catch (error) {
      this.toHost(this.failure(request, error))
      this.scheduleReconnect()
    } finally {
      if (this.opening === opening) this.opening = undefined
    }
  }

  private async forward(request: JSONRPCRequest): Promise<void> {
    try {
      await this.dispatch(request, (response) => this.answer(request, response))
    } catch (error) {
      this.toHost(this.failure(request, error))
    }
  }

  /** Sends a request of the bridge's own (a paid retry) and resolves with its answer. */
  exchange(request: JSONRPCRequest): Promise<JSONRPCResponse> {
    return new Promise((resolve, reject) => this.dispatch(request, resolve).catch(reject))
  }

  /**
   * Sends a request on the current session, opening one if needed. A session the server expired
   * is renewed and the request sent again, once; an unreachable upstream is reconnected in the
   * background. Failures are thrown for the caller to answer.
   */
  private async dispatch(request: JSONRPCRequest, onResponse: (response: JSONRPCResponse) => void, replayed = false): Promise<void> {
    this.remember(request)
    if (this.opening) await this.opening.catch(() => {})
    const session = this.session ?? (await this.renew(undefined))
    try {
      await session.request(request, onResponse)
    } catch (error) {
      const failure = error as UpstreamError
      if (failure.kind === 'session_expired' && !replayed) {
        this.log.info(`${this.upstreamName} expired the session; re-initializing and replaying ${request.method} once`)
        await this.renew(session)
        return this.dispatch(request, onResponse, true)
      }
      if (failure.kind === 'unreachable' || failure.kind === 'closed') {
        this.dropSession(session)
        this.scheduleReconnect()
      }
      throw failure
    }
  }

  /** Relays an answer to the host, unless it is a payment challenge: then the bridge pays first. */
  private answer(request: JSONRPCRequest, response: JSONRPCResponse): void {
    const challenges = this.options.companion && Payment.operationOf(request) ? Payment.challengesIn(response) : undefined
    if (!challenges) return this.toHost(response)
    const call = new PaidCall(request, {
      companion: this.options.companion!,
      host: () => this.hostInfo(),
      upstream: this.upstreamName,
      exchange: (retry) => this.exchange(retry),
      toHost: this.toHost,
      nextId: (purpose) => this.internalId(purpose),
      progressIntervalMs: this.options.progressIntervalMs ?? 5000,
      log: this.log,
    })
    this.paidCalls.set(request.id, call)
    void call.run(challenges).finally(() => this.paidCalls.delete(request.id))
  }

  private hostInfo(): { name: string; version?: string } {
    const info = ((this.initialize?.params ?? {}) as { clientInfo?: { name?: unknown; version?: unknown } }).clientInfo
    const name = typeof info?.name === 'string' && info.name.trim() ? info.name.slice(0, 200) : 'an unnamed agent host'
    return typeof info?.version === 'string' ? { name, version: info.version.slice(0, 100) } : { name }
  }

  /**
   * Replaces `stale` (or the missing session) with a new, initialized one. Concurrent callers
   * share one attempt, and a caller whose stale session was already replaced gets the new one.
   */
  private renew(stale: UpstreamSession | undefined): Promise<UpstreamSession> {
    if (this.session && this.session !== stale) return Promise.resolve(this.session)
    if (this.renewing) return this.renewing
    const initialize = this.initialize
    if (!initialize) return Promise.reject(new Error(`Upstream ${this.upstreamName} is not connected: the host has not sent initialize yet.`))
    const renewing = (async () => {
      if (stale) {
        if (this.session === stale) this.session = undefined
        void stale.close({ terminate: false })
      }
      const { session, response } = await this.openSession({ ...initialize, id: this.internalId('initialize') })
      if ('error' in response) {
        void session.close({ terminate: false })
        throw new UpstreamError('rejected', this.upstreamName, `initialize failed: ${response.error.message}`)
      }
      await session.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
      await this.restoreSessionState(session)
      this.session = session
      this.reconnectAttempt = 0
      this.announceListChanges(response)
      return session
    })()
    this.renewing = renewing
    renewing.then(
      () => (this.renewing = undefined),
      () => (this.renewing = undefined),
    )
    return renewing
  }

  private openSession(initialize: JSONRPCRequest): Promise<UpstreamSession.Opened> {
    return UpstreamSession.open({
      target: this.target,
      initialize,
      log: this.log,
      handlers: {
        onMessage: (message) => this.toHost(message),
        onLost: (session) => {
          this.dropSession(session)
          this.scheduleReconnect()
        },
      },
    })
  }

  private dropSession(session: UpstreamSession): void {
    if (this.session === session) this.session = undefined
    void session.close({ terminate: false })
  }

  /** Reconnects in the background, waiting 0.25 s, 0.5 s, 1 s… up to 30 s between attempts. */
  private scheduleReconnect(): void {
    if (this.stopped || this.reconnectTimer || this.session || !this.initialize) return
    const delay = Math.min(250 * 2 ** this.reconnectAttempt, 30_000)
    this.reconnectAttempt++
    this.reconnectTimer = setTimeout(() => {
      this.reconnectTimer = undefined
      if (this.session || this.stopped) return
      this.renew(undefined).then(
        () => this.log.info(`reconnected to ${this.upstreamName}`),
        (error: unknown) => {
          this.log.debug(`reconnect attempt ${this.reconnectAttempt} failed: ${(error as Error).message}`)
          this.scheduleReconnect()
        },
      )
    }, delay)
    this.reconnectTimer.unref()
  }

  /** Tracks what a renewed session must restore: resource subscriptions and the log level. */
  private remember(request: JSONRPCRequest): void {
    const params = request.params as Record<string, unknown> | undefined
    if (request.method === 'resources/subscribe' && typeof params?.uri === 'string') this.subscriptions.add(params.uri)
    else if (request.method === 'resources/unsubscribe' && typeof params?.uri === 'string') this.subscriptions.delete(params.uri)
    else if (request.method === 'logging/setLevel') this.logLevel = params?.level
  }

  private async restoreSessionState(session: UpstreamSession): Promise<void> {
    const restores: Promise<JSONRPCResponse>[] = []
    for (const uri of this.subscriptions) {
      restores.push(session.call({ jsonrpc: '2.0', id: this.internalId('subscribe'), method: 'resources/subscribe', params: { uri } }))
    }
    if (this.logLevel !== undefined) {
      restores.push(session.call({ jsonrpc: '2.0', id: this.internalId('setLevel'), method: 'logging/setLevel', params: { level: this.logLevel } }))
    }
    await Promise.allSettled(restores)
  }

  /** A new session may serve different lists; tell the host to fetch them again where it can. */
  private announceListChanges(response: JSONRPCResponse): void {
    if (!('result' in response)) return
    const capabilities = (response.result.capabilities ?? {}) as Record<string, { listChanged?: boolean } | undefined>
    for (const list of ['tools', 'prompts', 'resources'] as const) {
      if (capabilities[list]?.listChanged) this.toHost({ jsonrpc: '2.0', method: `notifications/${list}/list_changed` })
    }
  }

  private internalId(purpose: string): string {
    return `allowance-${purpose}-${++this.nextInternalId}`
  }

  private failure(request: JSONRPCRequest, error: unknown): JSONRPCResponse {
    const reason = error instanceof UpstreamError ? error.kind : 'unreachable'
    const message = error instanceof Error ? error.message : String(error)
    return errorResponse(request.id, ErrorCode.UpstreamUnavailable, message, { upstream: this.upstreamName, reason })
  }
}

export declare namespace Relay {
  type Options = {
    /** The companion connection; without it, challenges reach the host untouched. */
    companion?: (() => CompanionClient | undefined) | undefined
    /** How often a host waiting on an approval hears progress. */
    progressIntervalMs?: number | undefined
  }
}

/** The host's initialize with `capabilities.experimental.payment` added; nothing else changes. */
export function withPaymentCapability(request: JSONRPCRequest): JSONRPCRequest {
  const params = (request.params ?? {}) as Record<string, unknown>
  const capabilities = (params.capabilities ?? {}) as Record<string, unknown>
  const experimental = (capabilities.experimental ?? {}) as Record<string, unknown>
  return {
    ...request,
    params: { ...params, capabilities: { ...capabilities, experimental: { ...experimental, payment: Capability.advertised } } },
  }
}
