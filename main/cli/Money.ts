import * as Config from '../companion/Config.js'
import * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as Home from '../shared/Home.js'
import * as Options from './Options.js'
import type * as Usage from './Usage.js'

/**
 * Amounts as the CLI reads and prints them, priced with the same registry the companion builds
 * from `settings.json`.
 */

let cached: TokenRegistry.Registry | undefined

/** The companion's registry: the seed currencies and the user's tokens from `settings.json`. */
export function registry(): TokenRegistry.Registry {
  if (cached) return cached
  const config = Config.read(Home.paths(Home.resolve()).config)
  if (config.problem) console.error(`allowance: ${config.problem}; using the built-in defaults.`)
  return (cached = TokenRegistry.create({ tokens: config.tokens }))
}

/** An amount in a budget unit as the CLI prints it ("$0.25", "0.25 USDC"), from the registry. */
export function format(amount: bigint, unit: string): string {
  return Units.format(amount, unit, registry())
}

/** The `--unit` of rules, budgets and leases, found in the registry; a usage error when it is not there. */
export function unit(given: string): Units.Resolved {
  return Options.check(() => Units.resolve(given, registry()))
}

/** The `--unit` line of those commands' `--help`. */
export const unitHelp: Usage.Row = ['--unit UNIT', 'what <amount> counts in: usd (the default), an ISO currency such as eur, or\n<chainId>:<token address> of a token in the registry']
