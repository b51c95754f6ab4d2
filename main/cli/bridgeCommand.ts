import * as Arguments from '../bridge/Arguments.js'
import type { UpstreamTarget } from '../bridge/UpstreamTarget.js'
import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const flags = Arguments.options

export const usage = Usage.format({
  synopsis: ['allowance bridge <url> [--header "Name: value"]… [--transport STRATEGY] [--allow-http]', 'allowance bridge --stdio -- <command> [args…]'],
  about: `Relays an agent host, speaking MCP on this process's stdin and stdout, to a remote MCP server
(or to a local one it starts), and asks the companion whenever a tool wants to be paid. Agent
hosts start it; allowance install writes their entry.`,
  options: [
    ['--header "Name: value"', 'sent with every request upstream (repeatable); ${VAR} is read from the environment'],
    ['--transport STRATEGY', 'http-first (the default: Streamable HTTP, then legacy SSE), sse-first,\nhttp-only or sse-only'],
    ['--allow-http', 'accept plain http:// to another machine (loopback addresses need no flag)'],
    ['--stdio -- <command>', 'start <command> with its arguments and relay to it over stdio'],
  ],
  examples: ['allowance bridge https://tools.example.com/mcp --header "Authorization: Bearer ${TOOLS_TOKEN}"', 'allowance bridge --stdio -- node my-server.js --port 3000'],
})

/** `allowance bridge …`: runs until the host closes stdin. */
export async function run(argv: readonly string[]): Promise<number> {
  const separator = argv.indexOf('--')
  const own = separator === -1 ? argv : argv.slice(0, separator) // after "--", flags are the upstream command's
  if (own.includes('--help') || own.includes('-h')) {
    console.log(usage)
    return 0
  }
  const target = parseTarget(argv)
  ;(await import('../bridge/index.js')).run(target)
  return -1
}

/** Parses the arguments after `allowance bridge` into the upstream to relay to. */
export function parseTarget(argv: readonly string[], env: NodeJS.ProcessEnv = process.env): UpstreamTarget {
  return Options.check(() => Arguments.parse(argv, env))
}
