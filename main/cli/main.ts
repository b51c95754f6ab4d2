#!/usr/bin/env node
import { UsageError } from './UsageError.js'

const help = `Allowance: lets AI agents pay for MCP tools, with you in the loop.

Usage:
  allowance bridge <url> [--header "Name: value"]…   relay an agent host to a remote MCP server
  allowance bridge --stdio -- <command> [args…]       relay to a local MCP server process
  allowance start                                      the desktop app, or the headless companion where it cannot run
  allowance daemon                                     the headless companion
  allowance help                                       this text

Environment:
  ALLOWANCE_HOME   data directory (socket, database, logs, settings)`

/**
 * The `allowance` command. Each subcommand is imported only when it runs, so `allowance bridge`
 * loads the bridge and nothing else.
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'bridge': {
      const { parseTarget } = await import('./bridgeCommand.js')
      const target = parseTarget(rest)
      const bridge = await import('../bridge/index.js')
      bridge.run(target)
      return -1 // keeps running until the host closes stdin
    }
    case 'daemon': {
      const daemon = await import('../companion/daemon.js')
      return daemon.run({ quiet: rest.includes('--quiet') })
    }
    case 'start': {
      const { start } = await import('./startCommand.js')
      return start()
    }
    case undefined:
    case 'help':
    case '--help':
    case '-h':
      console.log(help)
      return 0
    default:
      throw new UsageError(`unknown command "${command}".`, help)
  }
}

main(process.argv.slice(2)).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`allowance: ${error.message}\n\n${error.usage}`)
      process.exitCode = 2
    } else {
      console.error(`allowance: ${error instanceof Error ? error.message : String(error)}`)
      process.exitCode = 1
    }
  },
)
