import type { Database } from '../ledger/Database.js'
import * as Prices from '../ledger/Prices.js'
import * as DiscoveryDocument from '../payments/Discovery.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'

/**
 * Fetches the payment discovery documents of the servers bridges reach over HTTP
 * (`<origin>/openapi.json`) and keeps the prices they advertise in the ledger. Off every call's
 * path: a look starts when a bridge connects, lists tools or asks to pay, at most once per
 * `refreshMs` per server. A document that cannot be had or read (no answer within `timeoutMs`,
 * larger than `maxBytes`, not JSON, not a discovery document) is ignored with one log line, and
 * the prices known before stay as they were.
 */
export type Discovery = {
  /** Starts a look at the server's document unless one is under way or was made within `refreshMs` (`force` looks anyway); resolves when done. */
  refresh(upstream: string, options?: { force?: boolean }): Promise<void>
  close(): void
}

export const defaults = { refreshMs: 3 * 60 * 60_000, timeoutMs: 5_000, maxBytes: 1024 * 1024 }

export function create(parameters: create.Parameters): Discovery {
  const { db, registry, log, refreshMs = defaults.refreshMs, timeoutMs = defaults.timeoutMs, maxBytes = defaults.maxBytes, now = Date.now } = parameters
  const underWay = new Map<string, Promise<void>>()
  /** When each server was last looked at by this process, sparing a ledger read on every tool list. */
  const looked = new Map<string, number>()
  let closed = false

  const due = (upstream: string) => {
    const at = looked.get(upstream) ?? Prices.lastCheck(db, upstream)?.checkedAt
    if (at !== undefined) looked.set(upstream, at)
    return at === undefined || now() - at >= refreshMs
  }

  async function look(upstream: string, url: URL): Promise<void> {
    const record = (outcome: Prices.Check['outcome'], problem: string | null) => {
      if (!closed) Prices.checked(db, { upstream, checkedAt: now(), outcome, problem })
    }
    let text: string
    try {
      const fetched = await fetchCapped(url, { timeoutMs, maxBytes })
      if (fetched.status === 404 || fetched.status === 410) {
        log.info(`discovery: ${url.href} has no discovery document (${fetched.status})`)
        return record('none', null)
      }
      if (fetched.status !== 200) throw new Error(`it answered HTTP ${fetched.status}`)
      text = fetched.text
    } catch (error) {
      const timedOut = (error as { name?: unknown } | undefined)?.name === 'TimeoutError'
      const problem = timedOut ? `it did not answer within ${timeoutMs / 1000} s` : ErrorWords.describe(error).split('\n')[0]!.slice(0, 300)
      log.warn(`discovery: ignored ${url.href}: ${problem}`)
      return record('ignored', problem)
    }
    let document: unknown
    try {
      document = JSON.parse(text)
    } catch {
      log.warn(`discovery: ignored ${url.href}: it is not JSON`)
      return record('ignored', 'it is not JSON')
    }
    const read = DiscoveryDocument.read(document, registry())
    if (!read.ok) {
      log.warn(`discovery: ignored ${url.href}: ${read.problem}`)
      return record('ignored', read.problem)
    }
    if (closed) return
    Prices.replaceAdvertised(db, upstream, read.prices, now())
    record('found', null)
    log.info(`discovery: ${url.href} advertises ${read.prices.length} price(s)`)
  }

  return {
    refresh(upstream, options = {}) {
      const url = documentUrl(upstream)
      if (!url || closed) return Promise.resolve()
      const running = underWay.get(upstream)
      if (running) return running
      if (!options.force && !due(upstream)) return Promise.resolve()
      looked.set(upstream, now())
      // Started on a later turn: the message that prompted the look is answered first.
      const done = new Promise<void>((resolve) => setTimeout(resolve, 0))
        .then(() => look(upstream, url))
        .catch((error: unknown) => log.error(`discovery: ${url.href}: ${ErrorWords.describe(error)}`))
        .finally(() => underWay.delete(upstream))
      underWay.set(upstream, done)
      return done
    },
    close() {
      closed = true
    },
  }
}

export declare namespace create {
  type Parameters = {
    db: Database
    registry: () => TokenRegistry.Registry
    log: Logger
    refreshMs?: number | undefined
    timeoutMs?: number | undefined
    maxBytes?: number | undefined
    now?: (() => number) | undefined
  }
}

/** Where an HTTP server's discovery document is: `<origin>/openapi.json`; none for a stdio server. */
export function documentUrl(upstream: string): URL | undefined {
  let url: URL
  try {
    url = new URL(upstream)
  } catch {
    return undefined
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') return undefined
  return new URL(DiscoveryDocument.documentPath, url.origin)
}

/** GETs `url`, giving up after `timeoutMs` or beyond `maxBytes` of body. */
async function fetchCapped(url: URL, limits: { timeoutMs: number; maxBytes: number }): Promise<{ status: number; text: string }> {
  const response = await fetch(url, { signal: AbortSignal.timeout(limits.timeoutMs), headers: { accept: 'application/json' }, redirect: 'follow' })
  const tooLarge = () => new Error(`it is larger than ${Math.round(limits.maxBytes / 1024)} KiB`)
  if (response.status !== 200) {
    await response.body?.cancel().catch(() => {})
    return { status: response.status, text: '' }
  }
  const declared = Number(response.headers.get('content-length'))
  if (declared > limits.maxBytes) {
    await response.body?.cancel().catch(() => {})
    throw tooLarge()
  }
  const chunks: Uint8Array[] = []
  let size = 0
  const reader = response.body?.getReader()
  if (reader) {
    for (;;) {
      const { done, value } = await reader.read()
      if (done) break
      size += value.byteLength
      if (size > limits.maxBytes) {
        await reader.cancel().catch(() => {})
        throw tooLarge()
      }
      chunks.push(value)
    }
  }
  return { status: 200, text: Buffer.concat(chunks).toString('utf8') }
}
