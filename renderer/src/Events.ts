import { EventSourceParserStream } from 'eventsource-parser/stream'
import type { Approval } from './Api.js'
import { headers } from './Api.js'

export type Handlers = {
  /** The stream is (re)connected: whatever was missed meanwhile must be fetched again. */
  open(): void
  added(approval: Approval): void
  resolved(paymentId: number): void
  closed(): void
}

/**
 * The companion's live events (`GET /api/events`). Read with fetch rather than EventSource, which
 * cannot send the token header. Reconnects after a second until `signal` aborts.
 */
export async function subscribe(handlers: Handlers, signal: AbortSignal): Promise<void> {
  while (!signal.aborted) {
    try {
      const response = await fetch('/api/events', { headers, signal })
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`)
      handlers.open()
      const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader()
      for (let next = await events.read(); !next.done; next = await events.read()) {
        const { event, data } = next.value
        if (event === 'approval.added') handlers.added(JSON.parse(data) as Approval)
        else if (event === 'approval.resolved') handlers.resolved((JSON.parse(data) as { paymentId: number }).paymentId)
      }
    } catch {
      // Dropped or refused: fall through to the retry.
    }
    if (signal.aborted) return
    handlers.closed()
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}
