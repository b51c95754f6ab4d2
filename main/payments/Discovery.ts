import { DiscoveryDocument, PaymentInfo } from 'mppx/discovery'
import * as Amount from './Amount.js'
import * as Methods from './methods/Methods.js'
import * as Quote from './Quote.js'
import type * as TokenRegistry from './TokenRegistry.js'

/**
 * An MCP server's payment discovery document (the MPP discovery draft: an OpenAPI document at
 * `<origin>/openapi.json` with `x-service-info` and per-operation `x-payment-info`), read with
 * mppx's own schemas, as prices of MCP calls. An operation prices an MCP tool when its
 * `operationId` is the tool's name, or its path is `/tools/<name>` (or `/mcp/tools/<name>`); a
 * prompt when its path is `/prompts/<name>` (or `/mcp/prompts/<name>`). What it says is
 * advisory: the live challenge decides what is paid.
 */

/** The path of a server's discovery document, from its origin. */
export const documentPath = '/openapi.json'

/** Most prices read from one document; the rest are ignored. */
export const maxPrices = 1000

export type Advertised = Quote.Quote & { operation: 'tools/call' | 'prompts/get'; target: string }

/**
 * The prices a document advertises, or why it cannot be read (one sentence). An offer in a
 * currency the registry does not know is kept with the server's spelling (shown, never in units);
 * among several offers the first the registry can price wins.
 *
 * @example
 * ```ts
 * import * as Discovery from './Discovery.js'
 * import * as TokenRegistry from './TokenRegistry.js'
 *
 * const document = {
 *   openapi: '3.1.0',
 *   info: { title: 'tools.example.com', version: '1.0.0' },
 *   paths: {
 *     '/tools/search': {
 *       post: {
 *         'x-payment-info': { intent: 'charge', method: 'evm', amount: '10000', currency: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' },
 *         responses: { '402': { description: 'Payment Required' } },
 *       },
 *     },
 *   },
 * }
 * const read = Discovery.read(document, TokenRegistry.create())
 * if (read.ok) read.prices[0] // { operation: 'tools/call', target: 'search', amountAtomic: 10000n, symbol: 'USDC', … }
 * ```
 */
export function read(document: unknown, registry: TokenRegistry.Registry): read.ReturnType {
  const parsed = DiscoveryDocument.safeParse(document)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]
    const where = issue?.path.length ? ` at ${issue.path.map(String).join('.').slice(0, 200)}` : ''
    return { ok: false, problem: `it is not a discovery document${where}: ${(issue?.message ?? 'unreadable').slice(0, 200)}` }
  }
  const prices: Advertised[] = []
  const seen = new Set<string>()
  for (const [path, item] of Object.entries(parsed.data.paths ?? {})) {
    for (const [verb, operation] of Object.entries(item)) {
      if (!httpMethods.has(verb) || typeof operation !== 'object' || operation === null) continue
      const info = (operation as { 'x-payment-info'?: PaymentInfo })['x-payment-info']
      if (!info) continue
      const call = callOf(path, (operation as { operationId?: unknown }).operationId)
      if (!call || seen.has(`${call.operation} ${call.target}`)) continue
      const quote = quoteOf(info.offers, registry)
      if (!quote) continue
      seen.add(`${call.operation} ${call.target}`)
      prices.push({ ...call, ...quote })
      if (prices.length >= maxPrices) return { ok: true, prices }
    }
  }
  return { ok: true, prices }
}

export declare namespace read {
  type ReturnType = { ok: true; prices: Advertised[] } | { ok: false; problem: string }
}

const httpMethods = new Set(['delete', 'get', 'head', 'options', 'patch', 'post', 'put', 'trace'])

/** MCP names: tools are 1–128 characters of letters, digits, `_`, `-`, `.` and `/` (SEP-986); prompts alike. */
const mcpName = /^[A-Za-z0-9_./-]{1,128}$/

/** The MCP call an operation prices, if any. */
function callOf(path: string, operationId: unknown): { operation: 'tools/call' | 'prompts/get'; target: string } | undefined {
  if (typeof operationId === 'string' && mcpName.test(operationId)) return { operation: 'tools/call', target: operationId }
  const match = /^\/(?:mcp\/)?(tools|prompts)\/([^/]+)\/?$/.exec(path)
  if (!match) return undefined
  let name: string
  try {
    name = decodeURIComponent(match[2]!)
  } catch {
    return undefined
  }
  if (!mcpName.test(name)) return undefined
  return { operation: match[1] === 'tools' ? 'tools/call' : 'prompts/get', target: name }
}

type Offer = PaymentInfo['offers'][number]

/** The first offer the registry can price; else the first charge offer, in the server's spelling. */
function quoteOf(offers: readonly Offer[], registry: TokenRegistry.Registry): Quote.Quote | undefined {
  let fallback: Quote.Quote | undefined
  for (const offer of offers.slice(0, 16)) {
    const intent = typeof offer.intent === 'string' ? offer.intent : null
    if (intent !== null && intent !== 'charge') continue
    const method = typeof offer.method === 'string' ? offer.method : null
    const currency = typeof offer.currency === 'string' ? offer.currency.slice(0, 100) : undefined
    let amount: bigint | null
    try {
      amount = offer.amount === undefined || offer.amount === null ? null : Amount.parse(offer.amount)
    } catch {
      continue
    }
    if (currency === undefined || currency === '') continue
    const entry = method && Methods.find(method) ? entryOf(offer, method, currency, registry) : undefined
    if (entry) return Quote.inCurrency(entry, amount, { method, intent })
    fallback ??= { method, intent, amountAtomic: amount, currency, symbol: null, decimals: null, budgetUnit: null, budgetAmount: null }
  }
  return fallback
}

/**
 * The registry's entry for an offer's currency. A token needs its chain: the offer's `chainId` (or
 * `methodDetails.chainId`) when it gives one, else the one chain the registry knows that token on.
 */
function entryOf(offer: Offer, method: string, currency: string, registry: TokenRegistry.Registry): TokenRegistry.Entry | undefined {
  // A card's currency is a fiat code: no chain to look for.
  if (Methods.find(method)?.paysWith === 'card') return registry.lookup({ method, currency })
  const details = (offer as { methodDetails?: { chainId?: unknown } }).methodDetails
  const declared = (offer as { chainId?: unknown }).chainId ?? (typeof details === 'object' && details !== null ? details.chainId : undefined)
  const chainId = typeof declared === 'number' ? declared : typeof declared === 'string' && /^[1-9][0-9]{0,15}$/.test(declared) ? Number(declared) : undefined
  if (chainId !== undefined) return registry.lookup({ method, currency, chainId })
  const chains = registry.chainsOf(currency).filter((token) => token.method === method)
  return chains.length === 1 ? chains[0] : undefined
}
