import { EventSourceParserStream } from 'eventsource-parser/stream'
import type { Event, Reply } from '../../main/uiapi/Contract.js'

export type { Event, Reply }

/**
 * How the page reaches the companion's UI API: through the desktop app's preload (IPC) when it
 * runs there, otherwise over HTTP with the launch token. The token comes from the page's own URL
 * (the one the companion printed), stays in memory, and travels in a header on every call.
 */
const desktop = window.allowance
const token = new URLSearchParams(location.search).get('token') ?? ''
const headers = { 'x-allowance-token': token }

export async function request(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<Reply> {
  if (desktop) return desktop.request({ method, path, body })
  const response = await fetch(path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  return { status: response.status, json: await response.text() }
}

export type Listener = {
  /** The stream is (re)connected: whatever was missed meanwhile must be fetched again. */
  open(): void
  event(event: Event): void
  closed(): void
}

/**
 * The companion's live events until `signal` aborts. Over HTTP they are server-sent events on
 * `GET /api/events`, read with fetch rather than EventSource (which cannot send the token
 * header), reconnecting after a second.
 */
export async function subscribe(listener: Listener, signal: AbortSignal): Promise<void> {
  if (desktop) {
    const stop = desktop.onEvent((event) => listener.event(event))
    listener.open()
    signal.addEventListener('abort', stop, { once: true })
    return
  }
  while (!signal.aborted) {
    try {
      const response = await fetch('/api/events', { headers, signal })
      if (!response.ok || !response.body) throw new Error(`events answered ${response.status}`)
      listener.open()
      const events = response.body.pipeThrough(new TextDecoderStream()).pipeThrough(new EventSourceParserStream()).getReader()
      for (let next = await events.read(); !next.done; next = await events.read()) {
        listener.event({ name: next.value.event as Event['name'], data: next.value.data })
      }
    } catch {
      // Dropped or refused: fall through to the retry.
    }
    if (signal.aborted) return
    listener.closed()
    await new Promise((resolve) => setTimeout(resolve, 1000))
  }
}
