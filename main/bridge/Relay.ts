import type { Logger } from '../shared/Log.js'
import * as Capability from './Capability.js'
import {
  ErrorCode,
  errorResponse,
  isNotification,
  isRequest,
  isResponse,
  type JSONRPCMessage,
  type JSONRPCRequest,
  type JSONRPCResponse,
} from './JsonRpc.js'
import type { CompanionClient } from '../wire/Client.js'
import type { Event as CompanionEvent } from '../wire/Messages.js'
import { Authorization, SignInNeeded } from './Authorization.js'
import type * as Wire from '../wire/Messages.js'
import { PaidCall } from './PaidCall.js'
import * as ToolNotes from './ToolNotes.js'
import * as Payment from './Payment.js'
import { UpstreamError } from './transports/UpstreamError.js'
import { UpstreamSession } from './UpstreamSession.js'
import { describe, type UpstreamTarget } from './UpstreamTarget.js'
import * as Era from './era/Era.js'
import type { EraMemory } from './era/EraMemory.js'
import * as InputRequired from './era/InputRequired.js'
import { Listen } from './era/Listen.js'
import { ParamHeaders } from './era/ParamHeaders.js'

/**
 * The bridge's core: relays JSON-RPC between the host and one upstream, keeping the host's ids,
 * and keeps an upstream session alive underneath the host's single MCP session:
 * - the host's `initialize` opens a session (with the payment capability added), in the
 *   upstream's era;
 * - a session the server expired is re-initialized and the request replayed, once;
 * - a lost upstream is reconnected with backoff, and requests meanwhile get a clear error.
 * Where the user wants it and a companion already runs, the server's tool list goes out with the
 * known prices appended to paid tools' descriptions and the read-only status tool (ToolNotes.ts).
 * The host speaks the 2025 era. For a modern upstream the bridge answers what the modern era
 * removed (`ping`, `logging/setLevel`, resource subscriptions), listens for notifications on the
 * host's behalf, and turns the server's requests for input into the host's own requests.
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
  /** Host requests whose server asked for input, by the host's id: the round in flight. */
  private readonly inputCalls = new Map<string | number, { cancelled: boolean; roundId?: string }>()
  /** The bridge's own requests to the host (input for a modern server), by id. */
  private readonly hostRequests = new Map<string | number, (response: JSONRPCResponse) => void>()
  /** The era of the last session opened: what the host's requests are answered in meanwhile. */
  private era: Era.Era = 'legacy'
  private readonly listen: Listen
  private readonly paramHeaders = new ParamHeaders()
  /** The status tool is in the host's list (the user enabled it, and a companion said so): its calls are the bridge's to answer. */
  private statusToolOffered = false
  private readonly toHost: (message: JSONRPCMessage) => void
  /** The token the companion signed in for (HTTP upstreams only). */
  private readonly auth: Authorization | undefined
  readonly upstreamName: string

  constructor(
    private readonly target: UpstreamTarget,
    toHost: (message: JSONRPCMessage) => void,
    private readonly log: Logger,
    private readonly options: Relay.Options = {},
  ) {
    this.upstreamName = describe(target)
    this.toHost = (message) => toHost(this.era === 'modern' ? Era.forLegacyHost(message) : message)
    this.listen = new Listen({ nextId: () => this.internalId('listen'), log })
    const companion = options.companion
    this.auth =
      target.kind === 'http' && companion
        ? new Authorization({
            target,
            upstream: this.upstreamName,
            companion,
            host: () => this.hostInfo(),
            toHost: this.toHost,
            progressIntervalMs: options.progressIntervalMs ?? 5000,
            log,
          })
        : undefined
  }

  /** What the companion says unasked (a sign-out). */
  onCompanionEvent(event: CompanionEvent): void {
    this.auth?.onEvent(event)
  }

  fromHost(message: JSONRPCMessage): void {
    if (this.stopped) return
    if (isRequest(message)) {
      if (message.method === 'initialize') void this.openForHost(message)
      else void this.forward(message)
      return
    }
    if (isResponse(message) && message.id !== undefined) {
      const asked = this.hostRequests.get(message.id)
      if (asked) {
        this.hostRequests.delete(message.id)
        return asked(message)
      }
    }
    if (isNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: string | number } | undefined)?.requestId
      const paid = id === undefined ? undefined : this.paidCalls.get(id)
      const input = id === undefined ? undefined : this.inputCalls.get(id)
      if (paid) {
        // The upstream knows the paid retry by the bridge's id, if it has it at all.
        paid.cancel()
        if (!paid.retryId) return
        message = { ...message, params: { ...message.params, requestId: paid.retryId } }
      } else if (input) {
        input.cancelled = true
        if (!input.roundId) return
        this.session?.forget(input.roundId)
        message = { ...message, params: { ...message.params, requestId: input.roundId } }
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
    this.listen.stop()
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
      this.adopt(session)
      this.toHost(response)
      // A companion that runs is met now, off every call's path: the tool list's notes then need one round trip.
      this.options.companion?.()?.connectIfRunning()
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
      if (this.opening) await this.opening.catch(() => {})
      const local = this.era === 'modern' ? this.answerForModern(request) : undefined
      if (local) return this.toHost(local)
      if (this.statusToolOffered && isStatusToolCall(request)) return this.toHost(await this.paymentsStatus(request))
      await this.dispatch(request, (response) => this.answer(request, response))
    } catch (error) {
      this.toHost(this.failure(request, error))
    }
  }

  /**
   * What the modern era removed, answered by the bridge: `ping`; the log level, now sent with
   * every request; resource subscriptions, now part of the notification stream.
   */
  private answerForModern(request: JSONRPCRequest): JSONRPCResponse | undefined {
    const params = (request.params ?? {}) as { uri?: unknown; level?: unknown }
    switch (request.method) {
      case 'ping':
        break
      case 'logging/setLevel':
        this.remember(request)
        this.session?.setLogLevel(typeof params.level === 'string' ? params.level : undefined)
        break
      case 'resources/subscribe':
      case 'resources/unsubscribe':
        if (typeof params.uri !== 'string') return errorResponse(request.id, -32602, 'Invalid params: uri must be a string.')
        this.remember(request)
        if (request.method === 'resources/subscribe') this.listen.subscribe(params.uri, this.session)
        else this.listen.unsubscribe(params.uri, this.session)
        break
      default:
        return undefined
    }
    return { jsonrpc: '2.0', id: request.id, result: {} }
  }

  /** Sends a request of the bridge's own (a paid retry) and resolves with its final answer. */
  async exchange(request: JSONRPCRequest): Promise<JSONRPCResponse> {
    const response = await new Promise<JSONRPCResponse>((resolve, reject) => this.dispatch(request, resolve).catch(reject))
    if (!this.needsInput(request, response)) return response
    return (await this.completeInput(request, response)).response
  }

  private needsInput(request: JSONRPCRequest, response: JSONRPCResponse): boolean {
    return this.era === 'modern' && Era.isInputRequired(response) && InputRequired.interactiveMethods.includes(request.method)
  }

  /** Plays a modern server's rounds of input with the host, under the host request's id. */
  private async completeInput(request: JSONRPCRequest, response: JSONRPCResponse): Promise<{ request: JSONRPCRequest; response: JSONRPCResponse; cancelled: boolean }> {
    const state: { cancelled: boolean; roundId?: string } = { cancelled: false }
    this.inputCalls.set(request.id, state)
    try {
      const final = await InputRequired.complete(request, response, {
        hostCapabilities: () => ((this.initialize?.params ?? {}) as { capabilities?: Record<string, unknown> }).capabilities ?? {},
        askHost: (method, params) => this.askHost(method, params),
        exchange: (round) => new Promise((resolve, reject) => this.dispatch(round, resolve).catch(reject)),
        nextId: () => this.internalId('input'),
        cancelled: () => state.cancelled,
        onRound: (id) => (state.roundId = id),
      })
      return { ...final, cancelled: state.cancelled }
    } finally {
      this.inputCalls.delete(request.id)
    }
  }

  /** A modern server refusing a tool call because its `Mcp-Param` headers do not match the body. */
  private isHeaderMismatch(request: JSONRPCRequest, response: JSONRPCResponse): boolean {
    return this.era === 'modern' && this.target.kind === 'http' && request.method === 'tools/call' && 'error' in response && response.error.code === -32020
  }

  /** Reads every page of the server's tools, for their parameter headers only. */
  private async relearnTools(): Promise<void> {
    let cursor: unknown
    for (let page = 0; page < 100; page++) {
      const params = typeof cursor === 'string' ? { cursor } : {}
      const response = await new Promise<JSONRPCResponse>((resolve, reject) =>
        this.dispatch({ jsonrpc: '2.0', id: this.internalId('tools'), method: 'tools/list', params }, resolve).catch(reject),
      ).catch(() => undefined)
      if (!response || !('result' in response)) return
      this.paramHeaders.learn(response.result)
      cursor = response.result.nextCursor
      if (typeof cursor !== 'string') return
    }
  }

  /** Sends the host a request of the bridge's own and resolves with its answer. */
  private askHost(method: string, params: Record<string, unknown> | undefined): Promise<JSONRPCResponse> {
    const id = this.internalId('ask')
    return new Promise((resolve) => {
      this.hostRequests.set(id, resolve)
      this.toHost(params === undefined ? { jsonrpc: '2.0', id, method } : { jsonrpc: '2.0', id, method, params })
    })
  }

  /**
   * Sends a request on the current session, opening one if needed. A session the server expired
   * is renewed and the request sent again, once; an unreachable upstream is reconnected in the
   * background. Failures are thrown for the caller to answer.
   */
  private async dispatch(request: JSONRPCRequest, onResponse: (response: JSONRPCResponse) => void, replayed = false, authorized = 0): Promise<void> {
    this.remember(request)
    if (this.opening) await this.opening.catch(() => {})
    const session = this.session ?? (await this.renew(undefined))
    const sentWith = this.auth?.generation ?? 0
    try {
      const renewing = this.auth?.ready(request)
      if (renewing) await renewing
      await session.request(request, onResponse)
    } catch (error) {
      const failure = error as UpstreamError
      if (failure.kind === 'session_expired' && !replayed) {
        this.log.info(`${this.upstreamName} expired the session; re-initializing and replaying ${request.method} once`)
        await this.renew(session)
        return this.dispatch(request, onResponse, true, authorized)
      }
      // The server refused the token (or wants one): the companion provides it, and the request goes again.
      if (failure.kind === 'unauthorized' && this.auth?.enabled && authorized < maxAuthorizations) {
        await this.auth.renew(failure, sentWith, request)
        return this.dispatch(request, onResponse, replayed, authorized + 1)
      }
      if (failure.kind === 'unreachable' || failure.kind === 'closed') {
        this.log.warn(`lost ${this.upstreamName} during ${request.method}: ${failure.message}`)
        this.dropSession(session)
        this.scheduleReconnect()
      }
      throw failure
    }
  }

  /**
   * Relays an answer to the host, unless the server needs something first: input (a modern
   * server's rounds, played with the host), or a payment (the bridge pays, then retries).
   */
  private answer(request: JSONRPCRequest, response: JSONRPCResponse, relisted = false): void {
    if (this.needsInput(request, response)) {
      void this.completeInput(request, response).then(
        (final) => {
          if (!final.cancelled) this.answer(final.request, final.response)
        },
        (error: unknown) => this.toHost(this.failure(request, error)),
      )
      return
    }
    if (!relisted && this.isHeaderMismatch(request, response)) {
      // The tool's header marks changed since the host listed it: learn them and try once more.
      void this.relearnTools().then(() => this.dispatch(request, (again) => this.answer(request, again, true)).catch((error: unknown) => this.toHost(this.failure(request, error))))
      return
    }
    if (request.method === 'tools/list' && this.era === 'modern' && this.target.kind === 'http' && 'result' in response) {
      const { result, rejected } = this.paramHeaders.learn(response.result)
      for (const { tool, reason } of rejected) this.log.warn(`left out tool ${JSON.stringify(tool)} from ${this.upstreamName}: ${reason}`)
      response = { ...response, result } as JSONRPCResponse
    }
    if (request.method === 'tools/list' && 'result' in response && this.options.companion) {
      void this.withNotes(response).then(this.toHost)
      return
    }
    const offer = this.options.companion && Payment.operationOf(request) ? Payment.offerIn(response) : undefined
    if (!offer) return this.toHost(response)
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
    void call.run(offer).finally(() => this.paidCalls.delete(request.id))
  }

  /**
   * The tool list with the notes the user wants in it (known prices, the status tool), when a
   * companion already runs and answers within the deadline; otherwise exactly as the server sent it.
   */
  private async withNotes(response: Extract<JSONRPCResponse, { result: unknown }>): Promise<JSONRPCResponse> {
    const companion = this.options.companion?.()
    if (!companion) return response
    let answer: Wire.ToolNotes
    try {
      const request = { type: 'tools.describe', upstream: this.upstreamName, host: this.hostInfo().name } as const
      answer = await companion.requestIfRunning<Wire.ToolNotes>(request, this.options.notesDeadlineMs ?? notesDeadlineMs)
    } catch (error) {
      this.log.debug(`tool list relayed without notes: ${(error as Error).message}`)
      return response
    }
    const lastPage = typeof response.result.nextCursor !== 'string'
    if (lastPage) this.statusToolOffered = ToolNotes.offersStatusTool(response.result, answer, lastPage)
    return { ...response, result: ToolNotes.apply(response.result, answer, lastPage) }
  }

  /** The read-only status tool's answer, from a companion that already runs; the call's arguments are not read. */
  private async paymentsStatus(request: JSONRPCRequest): Promise<JSONRPCResponse> {
    const companion = this.options.companion?.()
    let result: ReturnType<typeof ToolNotes.statusResult>
    try {
      if (!companion) throw new Error('The Allowance companion is not available.')
      const status = await companion.requestIfRunning<Wire.PaymentsStatus>({ type: 'payments.status', upstream: this.upstreamName, host: this.hostInfo().name }, statusDeadlineMs)
      result = ToolNotes.statusResult(status.text, !status.enabled)
    } catch (error) {
      // The agent hears that much, and no path or detail of this machine.
      this.log.debug(`the status tool could not be answered: ${(error as Error).message}`)
      result = ToolNotes.statusResult('Allowance could not say: its companion is not running, or did not answer in time.', true)
    }
    return { jsonrpc: '2.0', id: request.id, result }
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
      this.adopt(session)
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

  /** Makes `session` the current one; on the modern era, listens for notifications through it. */
  private adopt(session: UpstreamSession): void {
    this.session = session
    this.era = session.era
    this.reconnectAttempt = 0
    if (session.era === 'modern') this.listen.open(session)
  }

  /** Opens a session; a server that wants authorization gets a token from the companion, then is asked again. */
  private async openSession(initialize: JSONRPCRequest): Promise<UpstreamSession.Opened> {
    for (let authorized = 0; ; authorized++) {
      const sentWith = this.auth?.generation ?? 0
      try {
        const renewing = this.auth?.ready()
        if (renewing) await renewing
        return await this.openSessionOnce(initialize)
      } catch (error) {
        if (!(error instanceof UpstreamError && error.kind === 'unauthorized') || !this.auth?.enabled || authorized >= maxAuthorizations) throw error
        await this.auth.renew(error, sentWith)
      }
    }
  }

  private openSessionOnce(initialize: JSONRPCRequest): Promise<UpstreamSession.Opened> {
    return UpstreamSession.open({
      target: this.target,
      initialize,
      log: this.log,
      memory: this.options.memory,
      paramHeaders: this.target.kind === 'http' ? this.paramHeaders : undefined,
      authorization: this.auth?.enabled ? this.auth.headerFor : undefined,
      handlers: {
        onMessage: (message) => {
          // The stream's opening acknowledgement is the modern wire's business, not the host's.
          if ('method' in message && message.method === 'notifications/subscriptions/acknowledged') return
          this.toHost(message)
        },
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
    if (session.era === 'modern') {
      // The log level rides on each request; subscriptions are reopened with the stream.
      session.setLogLevel(typeof this.logLevel === 'string' ? this.logLevel : undefined)
      return
    }
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
    if (error instanceof SignInNeeded) {
      // No sign-in, no call: the agent reads the companion's sentence, as it would a payment not made.
      const meta = { [Relay.authMetaKey]: { status: 'not_signed_in', reason: error.reason } }
      if (request.method === 'tools/call') return { jsonrpc: '2.0', id: request.id, result: { content: [{ type: 'text', text: error.message }], isError: true, _meta: meta } }
      return errorResponse(request.id, ErrorCode.UpstreamUnavailable, error.message, { upstream: this.upstreamName, reason: 'not_signed_in', ...meta })
    }
    const reason = error instanceof UpstreamError ? error.kind : 'unreachable'
    const message = error instanceof Error ? error.message : String(error)
    return errorResponse(request.id, ErrorCode.UpstreamUnavailable, message, { upstream: this.upstreamName, reason })
  }
}

/** How many times one request may be sent again with a new token (a refresh, then a sign-in). */
const maxAuthorizations = 2

export namespace Relay {
  /** Where the bridge tells the agent that a server wanted a sign-in that did not happen. */
  export const authMetaKey = 'allowance/auth'
}

export declare namespace Relay {
  type Options = {
    /** The companion connection; without it, challenges reach the host untouched. */
    companion?: (() => CompanionClient | undefined) | undefined
    /** How often a host waiting on an approval hears progress. */
    progressIntervalMs?: number | undefined
    /** Each upstream's era from earlier runs. */
    memory?: EraMemory | undefined
    /** How long a tool list may wait for the companion's notes before it goes out as it came (100 ms). */
    notesDeadlineMs?: number | undefined
  }
}

/** A tool list waits at most this long for its notes: free calls are never held up for prices. */
const notesDeadlineMs = 100
/** How long the status tool waits for the companion's answer. */
const statusDeadlineMs = 2_000

function isStatusToolCall(request: JSONRPCRequest): boolean {
  return request.method === 'tools/call' && (request.params as { name?: unknown } | undefined)?.name === ToolNotes.statusToolName
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
