import type { Readable, Writable } from 'node:stream'
import { performance } from 'node:perf_hooks'
import { ErrorCode, errorResponse, idOf, isNotification, isRequest, isResponse, type JSONRPCMessage, type RequestId } from './JsonRpc.js'
import { JsonLines, serialize } from './transports/JsonLines.js'

/**
 * How long after a progress notification the answer to the same request is held back. MCP SDK
 * clients (TypeScript, v1 and v2) handle a notification a microtask after reading it but a
 * response at once, and the response retires the request's progress handler: progress read in
 * the same chunk as its request's response is dropped (modelcontextprotocol/typescript-sdk#2580).
 * Servers commonly send their last progress right before the result, and the pipe hands both to
 * the host in one read unless the host has read the progress before the result is written. There
 * is no telling when it has, so the answer waits long enough for a host that the machine's load
 * delays by tens of milliseconds. An answer with no progress of its own in that time never waits.
 */
export const progressSettleMs = 100

/** A host request that asked for progress, and when progress for it was last written. */
type Tracked = { id: RequestId; token: string | number; progressAt: number | undefined }

/**
 * The host side of the bridge: newline-delimited JSON-RPC on stdio (the MCP stdio transport).
 * Bad input is answered the way JSON-RPC asks (-32700 for a line that is not JSON, -32600 for
 * JSON that is no JSON-RPC message), and messages are handed on exactly as the host wrote them.
 * Messages reach the host in the order they are sent; only an answer sent within
 * `progressSettleMs` of its own request's progress waits out the rest of that time, and whatever
 * is sent meanwhile waits behind it.
 */
export class HostChannel {
  private closed = false
  /** The host's unanswered requests that carry a progress token, by id and by token. */
  private readonly byId = new Map<RequestId, Tracked>()
  private readonly byToken = new Map<string | number, Tracked>()
  /** Messages waiting behind a held answer, that answer first. */
  private held: JSONRPCMessage[] | undefined

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly handlers: HostChannel.Handlers,
  ) {
    const lines = new JsonLines({
      onMessage: (message) => {
        this.track(message)
        handlers.onMessage(message)
      },
      onUnparseable: (reason) => {
        handlers.onInvalid(`a line from the host that is not JSON: ${reason}`)
        this.send(errorResponse(null, ErrorCode.ParseError, 'Parse error: the bridge received a line that is not JSON.'))
      },
      onInvalid: (value, reason) => {
        handlers.onInvalid(`a message from the host that is not JSON-RPC: ${reason}`)
        this.send(errorResponse(idOf(value), ErrorCode.InvalidRequest, `Invalid Request: ${reason}.`))
      },
    })
    input.setEncoding('utf8')
    input.on('data', (chunk: string) => lines.push(chunk))
    for (const event of ['end', 'close', 'error']) input.on(event, () => this.close())
    output.on('error', () => this.close()) // EPIPE: the host went away
  }

  send(message: JSONRPCMessage): void {
    if (this.held) {
      this.held.push(message)
      return
    }
    const wait = this.byId.size === 0 ? 0 : this.settling(message)
    if (wait > 0) {
      this.held = [message]
      setTimeout(() => this.release(), wait)
      return
    }
    if (!this.output.destroyed) this.output.write(serialize(message))
  }

  private release(): void {
    const held = this.held ?? []
    this.held = undefined
    for (const message of held) this.send(message)
  }

  /** Notes the progress tokens of the host's requests; a cancelled request gets no answer. */
  private track(message: JSONRPCMessage): void {
    if (isRequest(message)) {
      const token = (message.params?._meta as { progressToken?: unknown } | undefined)?.progressToken
      if (typeof token !== 'string' && typeof token !== 'number') return
      const tracked = { id: message.id, token, progressAt: undefined }
      this.byId.set(message.id, tracked)
      this.byToken.set(token, tracked)
    } else if (isNotification(message) && message.method === 'notifications/cancelled') {
      const id = (message.params as { requestId?: unknown } | undefined)?.requestId
      if (typeof id === 'string' || typeof id === 'number') this.untrack(id)
    }
  }

  /** How long `message` must wait before it is written: 0 unless it answers right after its progress. */
  private settling(message: JSONRPCMessage): number {
    if (isResponse(message)) {
      const tracked = this.byId.get(message.id as RequestId)
      if (!tracked) return 0
      this.untrack(tracked.id)
      return tracked.progressAt === undefined ? 0 : tracked.progressAt + progressSettleMs - performance.now()
    }
    if (isNotification(message) && message.method === 'notifications/progress') {
      const token = (message.params as { progressToken?: unknown } | undefined)?.progressToken
      const tracked = typeof token === 'string' || typeof token === 'number' ? this.byToken.get(token) : undefined
      if (tracked) tracked.progressAt = performance.now()
    }
    return 0
  }

  private untrack(id: RequestId): void {
    const tracked = this.byId.get(id)
    if (!tracked) return
    this.byId.delete(id)
    if (this.byToken.get(tracked.token) === tracked) this.byToken.delete(tracked.token)
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    this.handlers.onClose()
  }
}

export declare namespace HostChannel {
  type Handlers = {
    onMessage(message: JSONRPCMessage): void
    onInvalid(reason: string): void
    onClose(): void
  }
}
