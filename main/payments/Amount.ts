/**
 * Money as BigInt atomic units. Nothing here ever touches a floating-point number: wire amounts
 * are parsed from integer strings, rendered by string slicing, and converted between units by
 * exact integer scaling.
 */

/** Amounts must stay below 2^256 (the largest value an EVM `uint256` can carry). */
export const bound = 2n ** 256n

/** The budget unit for USD-pegged tokens and USD card charges: micro-USD (6 decimals). */
export const usdDecimals = 6

const integer = /^(0|[1-9][0-9]*)$/

export class InvalidAmountError extends Error {
  override name = 'InvalidAmountError'
}

/**
 * Parses a base-10 integer string of atomic units: no sign, point, exponent, spaces or leading zeros.
 *
 * @example
 * ```ts
 * import * as Amount from './Amount.js'
 *
 * Amount.parse('10000') // 10000n
 * Amount.parse('1e4') // throws InvalidAmountError
 * ```
 */
export function parse(value: unknown): bigint {
  if (typeof value !== 'string') throw new InvalidAmountError(`The amount must be a string of digits, not ${describe(value)}.`)
  // 78 digits is already above 2^256; the length check keeps BigInt() away from megabyte strings.
  if (value.length > 78 || !integer.test(value)) {
    throw new InvalidAmountError(`The amount ${quote(value)} is not an integer string of atomic units.`)
  }
  const atomic = BigInt(value)
  if (atomic >= bound) throw new InvalidAmountError(`The amount ${quote(value)} is out of range.`)
  return atomic
}

/**
 * `format(50000n, 6)` → `"0.05"`; trailing zeros are dropped unless `minFraction` asks for them.
 *
 * @example
 * ```ts
 * import * as Amount from './Amount.js'
 *
 * Amount.format(123_456_789n, 8) // '1.23456789'
 * Amount.format(1_000_000n, 6, { minFraction: 2 }) // '1.00'
 * ```
 */
export function format(atomic: bigint, decimals: number, options: format.Options = {}): string {
  const { minFraction = 0 } = options
  const sign = atomic < 0n ? '-' : ''
  const digits = (atomic < 0n ? -atomic : atomic).toString().padStart(decimals + 1, '0')
  const whole = digits.slice(0, digits.length - decimals)
  let fraction = digits.slice(digits.length - decimals).replace(/0+$/, '')
  if (fraction.length < minFraction) fraction = fraction.padEnd(Math.min(minFraction, decimals), '0')
  return `${sign}${whole}${fraction ? `.${fraction}` : ''}`
}

export declare namespace format {
  type Options = { minFraction?: number }
}

/**
 * `"0.05 USDC"`, or `"$0.05"` for amounts in the shared USD budget unit.
 *
 * @example
 * ```ts
 * import * as Amount from './Amount.js'
 *
 * Amount.formatWithSymbol(250000n, { symbol: 'USDC', decimals: 6 }) // '0.25 USDC'
 * Amount.formatWithSymbol(50000n, { symbol: '$', decimals: Amount.usdDecimals }) // '$0.05'
 * ```
 */
export function formatWithSymbol(atomic: bigint, currency: formatWithSymbol.Currency): string {
  if (currency.symbol === '$') return `$${format(atomic, currency.decimals, { minFraction: 2 })}`
  return `${format(atomic, currency.decimals)} ${currency.symbol}`
}

export declare namespace formatWithSymbol {
  type Currency = { symbol: string; decimals: number }
}

/**
 * Micro-USD amounts, as budgets and rules in the `usd` unit hold them: `formatUsd(20000n)` → `"$0.02"`.
 *
 * @example
 * ```ts
 * import * as Amount from './Amount.js'
 *
 * Amount.formatUsd(1_250_000n) // '$1.25'
 * ```
 */
export function formatUsd(microUsd: bigint): string {
  return formatWithSymbol(microUsd, { symbol: '$', decimals: usdDecimals })
}

/**
 * Converts an atomic amount of a USD-pegged currency to micro-USD. Scaling up is exact; scaling
 * down rounds up, so a budget is charged at least what is paid and never under-counts.
 *
 * @example
 * ```ts
 * import * as Amount from './Amount.js'
 *
 * Amount.toMicroUsd(250000n, 6) // 250000n: USDC's atomic unit is already a micro-dollar
 * Amount.toMicroUsd(25n, 2) // 250000n: 25 cents
 * Amount.toMicroUsd(1n, 18) // 1n: a fraction of a micro-dollar still counts as one
 * ```
 */
export function toMicroUsd(atomic: bigint, decimals: number): bigint {
  if (decimals <= usdDecimals) return atomic * 10n ** BigInt(usdDecimals - decimals)
  const divisor = 10n ** BigInt(decimals - usdDecimals)
  return (atomic + divisor - 1n) / divisor
}

/**
 * What `atomic` units of a currency count against budgets in `budgetUnit`: micro-USD for `usd`
 * (rounded up, as {@link toMicroUsd}), the atomic amount itself for a budget in the token.
 *
 * @example
 * ```ts
 * import * as Amount from './Amount.js'
 *
 * Amount.toBudget(25n, 2, 'usd') // 250000n
 * Amount.toBudget(25n, 2, '8453:0x…') // 25n
 * ```
 */
export function toBudget(atomic: bigint, decimals: number, budgetUnit: string): bigint {
  return budgetUnit === 'usd' ? toMicroUsd(atomic, decimals) : atomic
}

/** Parses a human decimal string (`"1.50"`) into atomic units, refusing more precision than `decimals`. */
export function fromDecimal(value: string, decimals: number): bigint {
  const match = /^(0|[1-9][0-9]*)(?:\.([0-9]+))?$/.exec(value)
  if (!match) throw new InvalidAmountError(`The amount ${quote(value)} is not a decimal number like "1.50".`)
  const fraction = (match[2] ?? '').replace(/0+$/, '')
  if (fraction.length > decimals) {
    throw new InvalidAmountError(`The amount ${quote(value)} has more than ${decimals} decimal places.`)
  }
  const atomic = BigInt(match[1]! + fraction.padEnd(decimals, '0'))
  if (atomic >= bound) throw new InvalidAmountError(`The amount ${quote(value)} is out of range.`)
  return atomic
}

function quote(value: string): string {
  return JSON.stringify(value.length > 40 ? `${value.slice(0, 40)}…` : value)
}

function describe(value: unknown): string {
  if (typeof value === 'number') return `the number ${value}`
  if (value === null) return 'null'
  return Array.isArray(value) ? 'an array' : `a ${typeof value}`
}
