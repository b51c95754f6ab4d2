import * as Amount from './Amount.js'
import type * as TokenRegistry from './TokenRegistry.js'

/**
 * Budget units as a user names them on the command line (`usd`, `eur`, `iso:eur`,
 * `<chainId>:<token address>`) and amounts in them, in human decimals that become BigInt atomic
 * units with the companion's registry (micro-USD for `usd`).
 */
export type Resolved = { unit: string; decimals: number }

/**
 * The budget unit a user named (`--unit`, the UI's unit field), with its decimals; throws a
 * sentence for a name the registry does not know, or for a USD-pegged token (it counts in `usd`).
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 * import * as Units from './Units.js'
 *
 * const registry = TokenRegistry.create()
 * Units.resolve('usd', registry) // { unit: 'usd', decimals: 6 }
 * Units.resolve('EUR', registry) // { unit: 'iso:eur', decimals: 2 }
 * Units.resolve('eth', registry) // throws: "eth" is not a currency Allowance knows…
 * ```
 */
export function resolve(name: string, registry: TokenRegistry.Registry): Resolved {
  const lower = name.trim().toLowerCase()
  const key = /^[a-z]{3}$/.test(lower) && lower !== 'usd' ? `iso:${lower}` : lower
  if (key === 'usd' || key === 'iso:usd') return { unit: 'usd', decimals: Amount.usdDecimals }
  const entry = registry.entries.find((entry) => entry.key === key)
  if (!entry) {
    check(key) // the shape first: "not a budget unit" says more than "unknown"
    throw new Error(`${JSON.stringify(name)} is not a currency Allowance knows (add the token under "tokens" in settings.json).`)
  }
  if (entry.usdPegged) throw new Error(`${entry.symbol} is pegged to the US dollar: it counts in the usd unit, so use --unit usd.`)
  return { unit: entry.key, decimals: entry.decimals }
}

/** The most an amount a person types may be, in whole units of its currency: more is a slip of the keyboard. */
export const ceiling = 1_000_000

/**
 * `0.05` in `usd` → 50000n; more decimals than the unit has is refused, never rounded, and so
 * is a negative amount or one above {@link ceiling}.
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 * import * as Units from './Units.js'
 *
 * const usd = Units.resolve('usd', TokenRegistry.create())
 * Units.amount('0.05', usd) // 50000n
 * Units.amount('0.0000001', usd) // throws: more decimals than the unit has
 * ```
 */
export function amount(text: string, unit: Resolved): bigint {
  const trimmed = text.trim()
  if (/^-[0-9.]/.test(trimmed)) throw new Error(`The amount ${JSON.stringify(trimmed)} is negative: amounts must be positive.`)
  const atomic = Amount.fromDecimal(trimmed, unit.decimals)
  if (atomic > BigInt(ceiling) * 10n ** BigInt(unit.decimals)) throw new Error(`The amount ${JSON.stringify(trimmed)} is more than Allowance accepts: amounts go up to ${ceiling.toLocaleString('en')}.`)
  return atomic
}

/** How amounts of a unit are written: its decimals and symbol (`$` for `usd`). */
export type Described = { key: string; decimals: number; symbol: string }

/**
 * Undefined for a unit the registry no longer knows.
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 * import * as Units from './Units.js'
 *
 * Units.describe('usd', TokenRegistry.create()) // { key: 'usd', decimals: 6, symbol: '$' }
 * ```
 */
export function describe(unit: string, registry: TokenRegistry.Registry): Described | undefined {
  if (unit === 'usd') return { key: 'usd', decimals: Amount.usdDecimals, symbol: '$' }
  const entry = registry.entries.find((entry) => entry.key === unit)
  return entry && { key: entry.key, decimals: entry.decimals, symbol: entry.symbol }
}

/**
 * `$0.05`, `12.50 EUR`, `3 WETH`; a unit the registry no longer knows shows its atomic amount.
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 * import * as Units from './Units.js'
 *
 * const registry = TokenRegistry.create()
 * Units.format(50000n, 'usd', registry) // '$0.05'
 * Units.format(1250n, 'iso:eur', registry) // '12.5 EUR'
 * ```
 */
export function format(atomic: bigint, unit: string, registry: TokenRegistry.Registry): string {
  const described = describe(unit, registry)
  return described ? Amount.formatWithSymbol(atomic, described) : `${atomic} (atomic units of ${unit})`
}

/**
 * The amount as a plain decimal string in its unit, for JSON and CSV.
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 * import * as Units from './Units.js'
 *
 * Units.decimal(50000n, 'usd', TokenRegistry.create()) // '0.05'
 * ```
 */
export function decimal(atomic: bigint, unit: string, registry: TokenRegistry.Registry): string {
  const described = describe(unit, registry)
  return described ? Amount.format(atomic, described.decimals) : atomic.toString()
}

/**
 * The shape of a budget unit: `usd` (micro-USD, shared by USD-pegged tokens and USD card charges), or a
 * currency key (`iso:eur`, `<chainId>:<lowercase token address>`) counted in its atomic units.
 */
export function check(unit: string): string {
  if (!/^(usd|iso:[a-z]{3}|[1-9][0-9]{0,15}:0x[0-9a-f]{40})$/.test(unit)) {
    throw new Error(`${JSON.stringify(unit)} is not a budget unit ("usd", "iso:<code>" or "<chainId>:<token address>").`)
  }
  return unit
}

export function checkAmount(amount: bigint, what: string): bigint {
  if (typeof amount !== 'bigint' || amount < 0n || amount >= 2n ** 256n) throw new Error(`${what} must be a non-negative BigInt.`)
  return amount
}
