// A server's payment discovery document read as prices of MCP calls, with mppx's schemas and the
// companion's registry: which operations price which calls, which offer wins, and what is refused.
import { expect, test } from 'vitest'
import * as Discovery from '../../../main/payments/Discovery.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import { baseUsdc, pathUsd } from './challenges.js'

const registry = TokenRegistry.create()
const paid = (info: unknown, extra: Record<string, unknown> = {}) => ({ post: { ...extra, 'x-payment-info': info, responses: { '402': { description: 'Payment Required' } } } })
const document = (paths: Record<string, unknown>) => ({ openapi: '3.1.0', info: { title: 'tools.example.com', version: '1' }, paths })
const usdcOn8453 = { intent: 'charge', method: 'evm', amount: '10000', currency: baseUsdc }

test('operations price tools by operationId or by a /tools/<name> or /mcp/tools/<name> path, prompts by /prompts/<name>; free operations and other paths price nothing', () => {
  const read = Discovery.read(
    document({
      '/api/search': paid(usdcOn8453, { operationId: 'search' }),
      '/tools/report': paid({ ...usdcOn8453, amount: '250000' }),
      '/mcp/tools/deep.dive': paid({ ...usdcOn8453, amount: '5000000' }),
      '/prompts/briefing': paid({ ...usdcOn8453, amount: '30000' }),
      '/mcp/prompts/summary%20today': paid(usdcOn8453),
      '/v1/weather': paid(usdcOn8453),
      '/health': { get: { responses: { '200': { description: 'OK' } } } },
      '/tools/free': { get: { responses: { '200': { description: 'OK' } } } },
    }),
    registry,
  )
  expect(read.ok).toBe(true)
  if (!read.ok) return
  expect(read.prices.map((price) => [price.operation, price.target, price.amountAtomic])).toEqual([
    ['tools/call', 'search', 10_000n],
    ['tools/call', 'report', 250_000n],
    ['tools/call', 'deep.dive', 5_000_000n],
    ['prompts/get', 'briefing', 30_000n],
  ])
  expect(read.prices[0]).toEqual({
    operation: 'tools/call',
    target: 'search',
    method: 'evm',
    intent: 'charge',
    amountAtomic: 10_000n,
    currency: `8453:${baseUsdc.toLowerCase()}`,
    symbol: 'USDC',
    decimals: 6,
    budgetUnit: 'usd',
    budgetAmount: 10_000n,
  })
})

test('a token on several chains needs the offer to say which; the registry, never the server, gives symbol and decimals', () => {
  // pathUSD exists on three Tempo chains in the registry: without a chain it cannot be priced in units.
  const ambiguous = Discovery.read(document({ '/tools/a': paid({ intent: 'charge', method: 'tempo', amount: '50000', currency: pathUsd, decimals: 18, symbol: 'FREE' }) }), registry)
  expect(ambiguous.ok && ambiguous.prices[0]).toMatchObject({ target: 'a', amountAtomic: 50_000n, currency: pathUsd, symbol: null, decimals: null, budgetUnit: null })
  const named = Discovery.read(document({ '/tools/a': paid({ intent: 'charge', method: 'tempo', amount: '50000', currency: pathUsd, methodDetails: { chainId: 42431 }, decimals: 18 }) }), registry)
  expect(named.ok && named.prices[0]).toMatchObject({ currency: `42431:${pathUsd}`, symbol: 'pathUSD', decimals: 6, budgetAmount: 50_000n })
  const card = Discovery.read(document({ '/tools/a': paid({ intent: 'charge', method: 'stripe', amount: '25', currency: 'usd' }) }), registry)
  expect(card.ok && card.prices[0]).toMatchObject({ currency: 'iso:usd', symbol: 'USD', decimals: 2, budgetUnit: 'usd', budgetAmount: 250_000n })
})

test('among offers the first the registry can price wins; a null amount is a price set per call; other intents are skipped', () => {
  const read = Discovery.read(
    document({
      '/tools/a': paid({ offers: [{ intent: 'charge', method: 'lightning', amount: '100', currency: 'sat' }, { ...usdcOn8453, amount: '20000' }] }),
      '/tools/b': paid({ ...usdcOn8453, amount: null }),
      '/tools/c': paid({ offers: [{ intent: 'session', method: 'tempo', amount: '1', currency: pathUsd }] }),
      '/tools/d': paid({ intent: 'charge', method: 'lightning', amount: '100', currency: 'sat' }),
    }),
    registry,
  )
  expect(read.ok && read.prices.map((price) => [price.target, price.amountAtomic, price.symbol])).toEqual([
    ['a', 20_000n, 'USDC'],
    ['b', null, 'USDC'],
    ['d', 100n, null],
  ])
})

test('what is not a discovery document is refused with one sentence; amounts that are not integer strings price nothing', () => {
  for (const value of [null, 'text', [], { openapi: 3 }, { openapi: '3.1.0', info: {} }, { openapi: '3.1.0', info: { title: 't', version: '1' }, paths: 'all' }]) {
    const read = Discovery.read(value, registry)
    expect(read.ok).toBe(false)
    if (!read.ok) expect(read.problem).toMatch(/^it is not a discovery document/)
  }
  // Flat fields mixed with offers break mppx's schema: the whole document is refused.
  expect(Discovery.read(document({ '/tools/a': paid({ amount: '1', offers: [usdcOn8453] }) }), registry).ok).toBe(false)
  for (const amount of ['1.5', '-1', '1e6', '01']) expect(Discovery.read(document({ '/tools/a': paid({ ...usdcOn8453, amount }) }), registry).ok).toBe(false)
})

test('names that are not MCP names price nothing, and at most maxPrices are read', () => {
  const read = Discovery.read(document({ '/tools/a b': paid(usdcOn8453), '/x': paid(usdcOn8453, { operationId: 'x'.repeat(200) }), '/tools/%E0%A4%A': paid(usdcOn8453) }), registry)
  expect(read.ok && read.prices).toEqual([])
  const many = Object.fromEntries(Array.from({ length: Discovery.maxPrices + 5 }, (_, i) => [`/tools/t${i}`, paid(usdcOn8453)]))
  const all = Discovery.read(document(many), registry)
  expect(all.ok && all.prices.length).toBe(Discovery.maxPrices)
})
