import { createHash } from 'node:crypto'

/**
 * An x402 `PaymentRequired` as an MCP server sends it (v2: a tool result's `structuredContent`;
 * v1: a `402` error's `data`), turned into the envelope Challenge.ts validates for every method:
 * one challenge per `accepts` entry, method `x402`, intent `charge`, the entry's amount, asset and
 * `payTo` as `amount`, `currency` and `recipient`, and everything the x402 method reads or the
 * payload must echo in `methodDetails`. Nothing here is trusted: it is only moved, for
 * Challenge.ts and the x402 method's check to judge. Server text never lands in
 * `methodDetails.problem`, which this module alone writes for an answer it cannot read.
 *
 * @example
 * challenges({ x402Version: 2, resource: { url: 'mcp://tool/search' }, accepts: [{ scheme: 'exact', network: 'eip155:8453',
 *   amount: '10000', asset: '0x8335…', payTo: '0x2096…', maxTimeoutSeconds: 60, extra: { name: 'USD Coin', version: '2' } }] },
 *   { upstream: 'https://tools.example.com/mcp' })
 * // → [{ id: 'x402-…', realm: 'tools.example.com', method: 'x402', intent: 'charge',
 * //      request: { amount: '10000', currency: '0x8335…', recipient: '0x2096…', methodDetails: { x402Version: 2, scheme: 'exact', … } } }]
 */
export function challenges(paymentRequired: unknown, context: { upstream: string }): Record<string, unknown>[] {
  const realm = realmOf(context.upstream)
  if (typeof paymentRequired !== 'object' || paymentRequired === null || Array.isArray(paymentRequired)) return [unreadable(realm, 'The x402 payment request is not a JSON object.')]
  const { x402Version, accepts, resource, error, extensions } = paymentRequired as Record<string, unknown>
  if (x402Version !== 1 && x402Version !== 2) return [unreadable(realm, `Allowance pays x402 versions 1 and 2, not ${JSON.stringify(x402Version)?.slice(0, 20) ?? 'an unnamed version'}.`)]
  if (!Array.isArray(accepts) || accepts.length === 0) return [unreadable(realm, 'The x402 payment request offers no way to pay.')]
  return accepts.map((accepted) => {
    const entry = (typeof accepted === 'object' && accepted !== null && !Array.isArray(accepted) ? accepted : {}) as Record<string, unknown>
    const extra = typeof entry.extra === 'object' && entry.extra !== null && !Array.isArray(entry.extra) ? (entry.extra as Record<string, unknown>) : undefined
    // v2 names the resource once for all entries; v1 repeats it in each, as a URL string.
    const shared = x402Version === 2 ? record(resource) : undefined
    const resourceUrl = x402Version === 2 ? shared?.url : entry.resource
    const description = x402Version === 2 ? (shared?.description ?? error) : (entry.description ?? error)
    return {
      id: `x402-${digest([x402Version, resourceUrl, accepted])}`,
      realm: realmOf(typeof resourceUrl === 'string' ? resourceUrl : context.upstream, realm),
      method: 'x402',
      intent: 'charge',
      request: {
        amount: x402Version === 2 ? entry.amount : entry.maxAmountRequired,
        currency: entry.asset,
        recipient: entry.payTo,
        methodDetails: {
          x402Version,
          scheme: entry.scheme,
          network: entry.network,
          maxTimeoutSeconds: entry.maxTimeoutSeconds,
          ...(extra?.decimals !== undefined && { decimals: extra.decimals }),
          // What the payload echoes: the entry exactly as offered, and (v2) the resource and extensions.
          accepted,
          ...(x402Version === 2 && shared && { resource: shared }),
          ...(x402Version === 2 && record(extensions) && { extensions }),
        },
      },
      ...(typeof description === 'string' && { description }),
    }
  })
}

/** What an envelope made by {@link challenges} carries for the x402 method (read after validation). */
export type Details = {
  x402Version: 1 | 2
  scheme: string
  network: string
  maxTimeoutSeconds: number
  accepted: Record<string, unknown>
  resource?: Record<string, unknown> | undefined
  extensions?: Record<string, unknown> | undefined
  /** Set by this module alone, for an answer it could not read. */
  problem?: string | undefined
}

/** The `methodDetails` of an x402 envelope. */
export function details(challenge: unknown): Details {
  return ((challenge as { request: { methodDetails: Details } }).request.methodDetails)
}

/**
 * A challenge that validation refuses with `problem`: the answer said payment was required in
 * x402 and could not be read (the envelope's amount and currency are placeholders that pass the
 * envelope's own checks, so that the x402 check says what is wrong).
 */
function unreadable(realm: string, problem: string): Record<string, unknown> {
  return { id: 'x402-unreadable', realm, method: 'x402', intent: 'charge', request: { amount: '1', currency: 'x402', methodDetails: { problem } } }
}

function record(value: unknown): Record<string, unknown> | undefined {
  return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>) : undefined
}

/** The host of an http(s) URL, else `fallback` (the upstream's host, else "x402"). */
function realmOf(url: string, fallback = 'x402'): string {
  try {
    const parsed = new URL(url)
    return (parsed.protocol === 'https:' || parsed.protocol === 'http:') && parsed.host ? parsed.host.slice(0, 255) : fallback
  } catch {
    return fallback
  }
}

/** A short, stable name for an offer: the same entry for the same resource gets the same id. */
function digest(value: unknown): string {
  return createHash('sha256').update(JSON.stringify(value) ?? '').digest('hex').slice(0, 32)
}
