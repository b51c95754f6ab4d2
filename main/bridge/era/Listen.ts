import type { Logger } from '../../shared/Log.js'
import type { JSONRPCRequest } from '../JsonRpc.js'
import type { UpstreamSession } from '../UpstreamSession.js'

/**
 * The modern era's notification stream, held open on the host's behalf. A legacy host expects
 * list changes and resource updates to simply arrive; a modern server sends them only on a
 * `subscriptions/listen` request naming what the client wants. So the bridge listens for every
 * list the server says can change, plus the resources the host subscribed to, and opens a new
 * stream (closing the old one) when that set changes or the stream ends.
 */
export class Listen {
  private current: { id: string; session: UpstreamSession } | undefined
  private readonly uris = new Set<string>()
  private retryTimer: NodeJS.Timeout | undefined
  private failures = 0

  constructor(private readonly context: { nextId(): string; log: Logger }) {}

  /** The resources the host subscribed to, kept across sessions. */
  subscribe(uri: string, session: UpstreamSession | undefined): void {
    if (this.uris.has(uri)) return
    this.uris.add(uri)
    if (session) this.open(session)
  }

  unsubscribe(uri: string, session: UpstreamSession | undefined): void {
    if (!this.uris.delete(uri)) return
    if (session) this.open(session)
  }

  /** Listens on `session`, replacing any stream open before; nothing when there is nothing to hear. */
  open(session: UpstreamSession): void {
    clearTimeout(this.retryTimer)
    this.retryTimer = undefined
    this.close()
    const notifications = this.filter(session.discovery?.capabilities ?? {})
    if (!notifications) return
    const request: JSONRPCRequest = { jsonrpc: '2.0', id: this.context.nextId(), method: 'subscriptions/listen', params: { notifications } }
    const stream = { id: request.id as string, session }
    this.current = stream
    const openedAt = Date.now()
    const ended = (how: string) => {
      if (this.current !== stream) return
      this.current = undefined
      // Only streams that end soon after opening count towards the back-off.
      this.failures = Date.now() - openedAt > 10_000 ? 1 : this.failures + 1
      // A server that ends the stream is restarting or shedding load: come back, more slowly each time.
      const delay = Math.min(500 * 2 ** (this.failures - 1), 30_000)
      this.context.log.info(`the notification stream ${how}; listening again in ${delay} ms`)
      this.retryTimer = setTimeout(() => this.open(session), delay)
      this.retryTimer.unref()
    }
    session
      .request(request, (response) => ended('error' in response ? `failed: ${response.error.message}` : 'ended'))
      .catch((error: Error) => ended(`broke: ${error.message}`))
  }

  /** Closes the open stream: HTTP closes its response, stdio sends a cancellation. */
  close(): void {
    const stream = this.current
    this.current = undefined
    if (!stream) return
    stream.session.forget(stream.id)
    stream.session
      .send({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: stream.id, reason: 'the bridge listens anew' } })
      .catch(() => {})
  }

  stop(): void {
    clearTimeout(this.retryTimer)
    this.close()
  }

  private filter(capabilities: Record<string, unknown>): Record<string, unknown> | undefined {
    const changes = (list: string) => (capabilities[list] as { listChanged?: unknown } | undefined)?.listChanged === true
    const notifications: Record<string, unknown> = {}
    if (changes('tools')) notifications.toolsListChanged = true
    if (changes('prompts')) notifications.promptsListChanged = true
    if (changes('resources')) notifications.resourcesListChanged = true
    if (this.uris.size > 0) notifications.resourceSubscriptions = [...this.uris]
    return Object.keys(notifications).length > 0 ? notifications : undefined
  }
}
