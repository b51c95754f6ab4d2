import { describe, expect, test } from 'vitest'
import * as Amount from '../../../main/payments/Amount.js'

describe('parse', () => {
  test('accepts integer strings of atomic units', () => {
    expect(Amount.parse('0')).toBe(0n)
    expect(Amount.parse('50000')).toBe(50000n)
    expect(Amount.parse((2n ** 256n - 1n).toString())).toBe(2n ** 256n - 1n)
  })

  test.each([
    ['a float', '0.05'],
    ['a negative', '-1'],
    ['an exponent', '1e6'],
    ['a leading zero', '007'],
    ['a leading plus', '+5'],
    ['whitespace', ' 5'],
    ['hex', '0x10'],
    ['an empty string', ''],
    ['2^256', (2n ** 256n).toString()],
    ['a megabyte of digits', '9'.repeat(1_000_000)],
  ])('rejects %s', (_, value) => {
    expect(() => Amount.parse(value)).toThrow(Amount.InvalidAmountError)
  })

  test.each([[5], [0.05], [null], [undefined], [5n], [['5']]])('rejects the non-string %s', (value) => {
    expect(() => Amount.parse(value)).toThrow(/must be a string of digits/)
  })
})

describe('format', () => {
  test.each([
    [50000n, 6, '0.05'],
    [1000000n, 6, '1'],
    [12345600n, 6, '12.3456'],
    [1n, 18, '0.000000000000000001'],
    [75n, 2, '0.75'],
    [500n, 0, '500'],
    [0n, 6, '0'],
  ])('%s with %s decimals is %s', (atomic, decimals, expected) => {
    expect(Amount.format(atomic, decimals)).toBe(expected)
  })

  test('pads to a minimum number of fraction digits', () => {
    expect(Amount.format(1000000n, 6, { minFraction: 2 })).toBe('1.00')
    expect(Amount.format(1234n, 6, { minFraction: 2 })).toBe('0.001234')
  })

  test('formatWithSymbol and formatUsd', () => {
    expect(Amount.formatWithSymbol(50000n, { symbol: 'USDC', decimals: 6 })).toBe('0.05 USDC')
    expect(Amount.formatUsd(1_000_000n)).toBe('$1.00')
    expect(Amount.formatUsd(20_000n)).toBe('$0.02')
    expect(Amount.formatUsd(500n)).toBe('$0.0005')
  })
})

describe('toMicroUsd', () => {
  test('scales up exactly', () => {
    expect(Amount.toMicroUsd(75n, 2)).toBe(750000n) // $0.75 card charge
    expect(Amount.toMicroUsd(50000n, 6)).toBe(50000n)
  })

  test('scales down rounding up, so a budget never under-counts', () => {
    expect(Amount.toMicroUsd(10n ** 12n, 18)).toBe(1n)
    expect(Amount.toMicroUsd(1n, 18)).toBe(1n)
    expect(Amount.toMicroUsd(10n ** 12n + 1n, 18)).toBe(2n)
    expect(Amount.toMicroUsd(0n, 18)).toBe(0n)
  })
})

describe('fromDecimal', () => {
  test('parses human amounts without floats', () => {
    expect(Amount.fromDecimal('1.50', 6)).toBe(1_500_000n)
    expect(Amount.fromDecimal('0.1', 18)).toBe(10n ** 17n)
    expect(Amount.fromDecimal('2', 2)).toBe(200n)
  })

  test('refuses more precision than the currency has', () => {
    expect(() => Amount.fromDecimal('0.001', 2)).toThrow(/more than 2 decimal places/)
    expect(() => Amount.fromDecimal('1e3', 2)).toThrow(/not a decimal number/)
    expect(() => Amount.fromDecimal('-1', 2)).toThrow(/not a decimal number/)
  })
})
