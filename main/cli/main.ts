#!/usr/bin/env node
import { UsageError } from './UsageError.js'

const help = `Allowance: lets AI agents pay for MCP tools, with you in the loop.

Usage:
  allowance bridge <url> [--header "Name: value"]…   relay an agent host to a remote MCP server
  allowance bridge --stdio -- <command> [args…]       relay to a local MCP server process
  allowance start                                      the desktop app, or the headless companion where it cannot run
  allowance daemon                                     the headless companion
  allowance status [--json]                            is the companion up? bridges, approvals waiting, today's spend
  allowance rules list|add|remove                      per-call rules: auto-approve up to an amount, or a hard limit
  allowance budget list|set|remove                     spending caps per day, week or month
  allowance leases list|add|revoke                     "allow this server for 30 minutes up to $2"
  allowance pause | resume                             the kill switch: decline every payment, or pay again
  allowance wallet create|import|address|balance|remove   the key that pays, kept in the OS keychain
  allowance card add|show|remove                       a Stripe card that pays \`stripe\` charges, its key in the keychain
  allowance install <host> <name> <url> [--header …]   add a server to an agent host (Claude, Cursor, VS Code, Windsurf, Cline, Zed), through Allowance
  allowance install <host> <name> --stdio -- <cmd>     the same for a local server process
  allowance install --wrap <host> <name>               route a host's existing remote server through Allowance
  allowance uninstall <host> <name>                    take it out again (or put back the entry it replaced)
  allowance doctor [--json]                            what keeps an agent from paying through Allowance, and each fix
  allowance demo                                       a paid tool call on a local test chain, no real money
  allowance history [--json|--csv] [filters]           the payments ledger
  allowance help                                       this text

  Add --help to a command for its options. Amounts are in human units (0.05 is five cents with
  the default --unit usd). No command approves a payment that waits for you: that takes the app.

Environment:
  ALLOWANCE_HOME         data directory (socket, database, logs, settings)
  ALLOWANCE_HOSTS_HOME   stands for your home directory when install looks for hosts' config files`

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
    case 'status':
      return (await import('./statusCommand.js')).run(rest)
    case 'rules':
      return (await import('./rulesCommand.js')).run(rest)
    case 'budget':
    case 'budgets':
      return (await import('./budgetCommand.js')).run(rest)
    case 'leases':
    case 'lease':
      return (await import('./leasesCommand.js')).run(rest)
    case 'pause':
    case 'resume':
      return (await import('./pauseCommand.js')).run(rest, command === 'pause')
    case 'install':
    case 'uninstall':
      return (await import('./installCommand.js')).run(rest, command === 'uninstall')
    case 'doctor':
      return (await import('./doctorCommand.js')).run(rest)
    case 'demo':
      return (await import('../demo/demo.js')).run()
    case 'wallet':
      return (await import('./walletCommand.js')).run(rest)
    case 'card':
      return (await import('./cardCommand.js')).run(rest)
    case 'history':
      return (await import('./historyCommand.js')).run(rest)
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
