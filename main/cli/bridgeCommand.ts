import * as Arguments from '../bridge/Arguments.js'
import type { UpstreamTarget } from '../bridge/UpstreamTarget.js'
import * as Options from './Options.js'

export const usage = `allowance bridge <url> [--header "Name: value"]… [--transport http-first|sse-first|http-only|sse-only] [--allow-http]
allowance bridge --stdio -- <command> [args…]`

/** Parses the arguments after `allowance bridge` into the upstream to relay to. */
export function parseTarget(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): UpstreamTarget {
  return Options.check(usage, () => Arguments.parse(argv, env))
}
