import { expect, test } from 'vitest'
import * as Prices from '../../../main/ledger/Prices.js'
import { ledger } from './temp.js'

const upstream = 'https://tools.example.com/mcp'
const usdc = { method: 'evm', intent: 'charge', currency: '8453:0xusdc', symbol: 'USDC', decimals: 6, budgetUnit: 'usd' }
const price = (target: string, amount: bigint | null, source: Prices.Source = 'challenge'): Prices.Learned => ({
  upstream,
  operation: 'tools/call',
  target,
  source,
  ...usdc,
  amountAtomic: amount,
  budgetAmount: amount,
})

test('one row per call and source; a live price wins over the advertised one whatever their age, the newest live one over an older', () => {
  const db = ledger()
  Prices.replaceAdvertised(db, upstream, [price('search', 10_000n, 'discovery'), price('report', null, 'discovery')], 1_000)
  Prices.learn(db, price('search', 50_000n), 500) // older than the document, but what the server asked
  const current = Prices.current(Prices.list(db, upstream))
  expect(current.get('tools/call search')).toMatchObject({ source: 'challenge', amountAtomic: 50_000n, seenAt: 500 })
  expect(current.get('tools/call report')).toMatchObject({ source: 'discovery', amountAtomic: null })
  Prices.learn(db, price('search', 20_000n, 'x402'), 2_000)
  expect(Prices.current(Prices.list(db, upstream)).get('tools/call search')).toMatchObject({ source: 'x402', amountAtomic: 20_000n })
  expect(Prices.list(db, upstream)).toHaveLength(4)
  expect(Prices.upstreams(db)).toEqual([upstream])
})

test('a price changes in place; the same price seen again within a minute writes nothing; a new document drops what it no longer lists', () => {
  const db = ledger()
  Prices.learn(db, price('search', 10_000n), 1_000)
  Prices.learn(db, price('search', 10_000n), 2_000)
  expect(Prices.get(db, { upstream, operation: 'tools/call', target: 'search', source: 'challenge' })?.seenAt).toBe(1_000)
  Prices.learn(db, price('search', 10_000n), 70_000)
  expect(Prices.get(db, { upstream, operation: 'tools/call', target: 'search', source: 'challenge' })?.seenAt).toBe(70_000)
  Prices.learn(db, price('search', 30_000n), 71_000)
  expect(Prices.get(db, { upstream, operation: 'tools/call', target: 'search', source: 'challenge' })).toMatchObject({ amountAtomic: 30_000n, seenAt: 71_000 })

  Prices.replaceAdvertised(db, upstream, [price('a', 1n, 'discovery'), price('b', 2n, 'discovery')], 1)
  Prices.replaceAdvertised(db, upstream, [price('b', 3n, 'discovery')], 2)
  expect(Prices.list(db, upstream).map((row) => [row.target, row.source, row.amountAtomic])).toEqual([
    ['b', 'discovery', 3n],
    ['search', 'challenge', 30_000n],
  ])
})

test('the last look at a discovery document', () => {
  const db = ledger()
  expect(Prices.lastCheck(db, upstream)).toBeUndefined()
  Prices.checked(db, { upstream, checkedAt: 5, outcome: 'ignored', problem: 'it is not JSON' })
  Prices.checked(db, { upstream, checkedAt: 9, outcome: 'found', problem: null })
  expect(Prices.lastCheck(db, upstream)).toEqual({ upstream, checkedAt: 9, outcome: 'found', problem: null })
})
