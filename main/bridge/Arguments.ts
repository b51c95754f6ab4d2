import { parseArgs } from 'node:util'
import * as Headers from './Headers.js'
import { transportStrategies, type TransportStrategy, type UpstreamTarget } from './UpstreamTarget.js'

/** The flags of `allowance bridge`. */
export const options = {
  header: { type: 'string', multiple: true, default: [] as string[] },
  transport: { type: 'string', default: 'http-first' },
  stdio: { type: 'boolean', default: false },
  'allow-http': { type: 'boolean', default: false },
} as const

/**
 * The arguments after `allowance bridge`: `<url> [--header "Name: value"]… [--transport …]
 * [--allow-http]` or `--stdio -- <command> [args…]`. Also read by whoever writes a host entry
 * that runs the bridge, so that the entry is checked exactly as the bridge will check it.
 */
export function parse(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): UpstreamTarget {
  const separator = argv.indexOf('--')
  const own = separator === -1 ? argv : argv.slice(0, separator)
  const { values, positionals } = parseArgs({ args: [...own], allowPositionals: true, options })
  if (values.stdio) {
    const command = separator === -1 ? [] : argv.slice(separator + 1)
    if (command.length === 0 || positionals.length > 0) throw new Error('--stdio needs a command after "--".')
    return { kind: 'stdio', command: command[0]!, args: command.slice(1) }
  }
  if (positionals.length !== 1 || separator !== -1) throw new Error('bridge needs exactly one upstream URL.')
  let url: URL
  try {
    url = new URL(positionals[0]!)
  } catch {
    throw new Error(`"${positionals[0]}" is not a URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${url.href} is not an http(s) URL.`)
  if (url.protocol === 'http:' && !isLoopback(url.hostname) && !values['allow-http']) {
    throw new Error(`${url.href} is plain HTTP to another machine; use https, or pass --allow-http if you accept that.`)
  }
  const strategy = values.transport as TransportStrategy
  if (!transportStrategies.includes(strategy)) throw new Error(`--transport must be one of ${transportStrategies.join(', ')}.`)
  return { kind: 'http', url, headers: Headers.parse(values.header, env), strategy }
}

/** Stands for the environment a host will start the bridge with: every `${VAR}` there only has to parse. */
export const anyEnvironment: NodeJS.ProcessEnv = new Proxy({}, { get: () => 'set-at-run-time' })

function isLoopback(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127(\.\d{1,3}){3}$/.test(hostname)
}
