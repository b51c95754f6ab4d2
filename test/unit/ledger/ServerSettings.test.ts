import { expect, test } from 'vitest'
import * as ServerSettings from '../../../main/ledger/ServerSettings.js'
import * as Warnings from '../../../main/ledger/Warnings.js'
import { ledger } from './temp.js'

const upstream = 'https://tools.example.com/mcp'

test("a server's settings: prices in the tool list on, the status tool off, until the user changes one; the other keeps its value", () => {
  const db = ledger()
  expect(ServerSettings.get(db, upstream)).toEqual({ describePrices: true, statusTool: false })
  expect(ServerSettings.set(db, upstream, { statusTool: true }, 1)).toEqual({ describePrices: true, statusTool: true })
  expect(ServerSettings.set(db, upstream, { describePrices: false }, 2)).toEqual({ describePrices: false, statusTool: true })
  expect(ServerSettings.get(db, 'https://other.example.com/mcp')).toEqual(ServerSettings.defaults)
  expect(() => ServerSettings.set(db, upstream, { statusTool: 'yes' as unknown as boolean }, 3)).toThrow(/true or false/)
  expect(() => ServerSettings.set(db, upstream, { approve: true } as never, 3)).toThrow(/no server setting "approve"/)
  expect(ServerSettings.get(db, upstream)).toEqual({ describePrices: false, statusTool: true })
})

test('warnings: raised once per kind and subject while active (later raises update the words), cleared, raised again; thresholds per token', () => {
  const db = ledger()
  const low = { kind: 'low_balance', subject: '8453:0xusdc', title: 'USDC is running low', body: '1.2 USDC left' } as const
  expect(Warnings.raise(db, low, 1).raised).toBe(true)
  const again = Warnings.raise(db, { ...low, body: '1.1 USDC left', data: { balance: '1100000' } }, 2)
  expect(again).toMatchObject({ raised: false, warning: { body: '1.1 USDC left', data: { balance: '1100000' }, createdAt: 1, updatedAt: 2 } })
  expect(Warnings.raise(db, { ...low, kind: 'insufficient_funds' }, 3).raised).toBe(true)
  expect(Warnings.active(db).map((warning) => warning.kind)).toEqual(['low_balance', 'insufficient_funds'])
  expect(Warnings.clear(db, 'low_balance', low.subject, 4)).toBe(true)
  expect(Warnings.clear(db, 'low_balance', low.subject, 5)).toBe(false)
  expect(Warnings.active(db, 'low_balance')).toEqual([])
  expect(Warnings.raise(db, low, 6).raised).toBe(true)
  expect(Warnings.log(db).map((warning) => [warning.kind, warning.clearedAt])).toEqual([
    ['low_balance', null],
    ['insufficient_funds', null],
    ['low_balance', 4],
  ])

  Warnings.setThreshold(db, '8453:0xusdc', 5_000_000n, 1)
  Warnings.setThreshold(db, '8453:0xusdc', 6_000_000n, 2)
  expect(Warnings.thresholds(db)).toEqual(new Map([['8453:0xusdc', 6_000_000n]]))
  Warnings.setThreshold(db, '8453:0xusdc', undefined, 3)
  expect(Warnings.thresholds(db).size).toBe(0)
  expect(() => Warnings.setThreshold(db, 'x', -1n, 4)).toThrow(/non-negative/)
})
