import { parseArgs } from 'node:util'
import * as Headers from '../bridge/Headers.js'
import { transportStrategies, type TransportStrategy, type UpstreamTarget } from '../bridge/UpstreamTarget.js'
import { UsageError } from './UsageError.js'

export const usage = `allowance bridge <url> [--header "Name: value"]… [--transport http-first|sse-first|http-only|sse-only]
allowance bridge --stdio -- <command> [args…]`

/** Parses the arguments after `allowance bridge` into the upstream to relay to. */
export function parseTarget(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): UpstreamTarget {
  const separator = argv.indexOf('--')
  const own = separator === -1 ? argv : argv.slice(0, separator)
  let parsed
  try {
    parsed = parseArgs({
      args: [...own],
      allowPositionals: true,
      options: {
        header: { type: 'string', multiple: true, default: [] },
        transport: { type: 'string', default: 'http-first' },
        stdio: { type: 'boolean', default: false },
        'allow-http': { type: 'boolean', default: false },
      },
    })
  } catch (error) {
    throw new UsageError((error as Error).message, usage)
  }
  const { values, positionals } = parsed
  if (values.stdio) {
    const command = separator === -1 ? [] : argv.slice(separator + 1)
    if (command.length === 0 || positionals.length > 0) throw new UsageError('--stdio needs a command after "--".', usage)
    return { kind: 'stdio', command: command[0]!, args: command.slice(1) }
  }
  if (positionals.length !== 1 || separator !== -1) throw new UsageError('bridge needs exactly one upstream URL.', usage)
  let url: URL
  try {
    url = new URL(positionals[0]!)
  } catch {
    throw new UsageError(`"${positionals[0]}" is not a URL.`, usage)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new UsageError(`${url.href} is not an http(s) URL.`, usage)
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !values['allow-http']) {
    throw new UsageError(`${url.href} is plain HTTP to another machine; use https, or pass --allow-http if you accept that.`, usage)
  }
  const strategy = values.transport as TransportStrategy
  if (!transportStrategies.includes(strategy)) {
    throw new UsageError(`--transport must be one of ${transportStrategies.join(', ')}.`, usage)
  }
  try {
    return { kind: 'http', url, headers: Headers.parse(values.header, env), strategy }
  } catch (error) {
    throw new UsageError((error as Error).message, usage)
  }
}

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}
