#!/usr/bin/env node
import * as ErrorWords from '../shared/ErrorWords.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

const help = Usage.format({
  synopsis: ['allowance <command> [options]', 'allowance help <command>'],
  about: `Allowance lets AI agents pay for MCP tools, with you in the loop. Amounts are typed in human
units (0.05 is five cents with the default --unit usd). No command approves a payment that waits
for you: that takes the app.`,
  commands: [
    ['bridge', 'relays an agent host to a paid MCP server (hosts start it; install writes their entry)'],
    ['start', 'the desktop app, or the headless companion where it cannot run'],
    ['daemon', 'the headless companion'],
    ['status', "is the companion up? its UI, whether it can sign, payments waiting, today's spend"],
    ['open', "prints the address of the running companion's UI"],
    ['doctor', 'what keeps an agent from paying through Allowance, and how to fix each'],
    ['install', 'adds a server to an agent host through Allowance, or routes one there (--wrap)'],
    ['uninstall', 'takes it out again, or puts back the entry it replaced'],
    ['wallet', 'the key that pays, in the OS keychain (or a file you unlock)'],
    ['card', 'a Stripe card that pays `stripe` charges, its key in the keychain'],
    ['rules', 'per-call rules: auto-approve up to an amount, or a hard limit'],
    ['budget', 'spending caps per day, week or month'],
    ['leases', '"allow this server for 30 minutes, up to $2"'],
    ['pause, resume', 'the kill switch: decline every payment, or pay again'],
    ['rechallenge', 'a second payment for one call: decline it (default), or ask you'],
    ['history', 'the payments ledger, as a table, JSON or CSV'],
    ['demo', 'a paid tool call on a local test chain, without real money'],
    ['help', "this help; help <command> (or <command> --help) shows that command's"],
  ],
  environment: [
    ['ALLOWANCE_HOME', 'the data directory (socket, ledger, logs, settings.json)'],
    ['ALLOWANCE_WALLET_PASSPHRASE', 'keeps keys in an encrypted file where there is no OS keychain'],
    ['ALLOWANCE_HEADLESS=1', 'start runs the headless companion even where Electron could run'],
    ['ALLOWANCE_HOSTS_HOME', "stands for your home directory when looking for hosts' config files"],
  ],
  examples: ['allowance demo', 'allowance install claude-desktop search https://tools.example.com/mcp', 'allowance doctor', 'allowance help wallet'],
})

/**
 * The `allowance` command. Each subcommand is imported only when it runs, so `allowance bridge`
 * loads the bridge and nothing else.
 */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  switch (command) {
    case 'bridge':
      return (await import('./bridgeCommand.js')).run(rest) // -1: keeps running until the host closes stdin
    case 'daemon':
      return (await import('./daemonCommand.js')).run(rest)
    case 'status':
      return (await import('./statusCommand.js')).run(rest)
    case 'open':
      return (await import('./openCommand.js')).run(rest)
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
    case 'rechallenge':
      return (await import('./rechallengeCommand.js')).run(rest)
    case 'install':
    case 'uninstall':
      return (await import('./installCommand.js')).run(rest, command === 'uninstall')
    case 'doctor':
      return (await import('./doctorCommand.js')).run(rest)
    case 'demo':
      return (await import('./demoCommand.js')).run(rest)
    case 'wallet':
      return (await import('./walletCommand.js')).run(rest)
    case 'card':
      return (await import('./cardCommand.js')).run(rest)
    case 'history':
      return (await import('./historyCommand.js')).run(rest)
    case 'start':
      return (await import('./startCommand.js')).run(rest)
    case 'help':
      if (rest[0] !== undefined) return main([rest[0], '--help'])
      console.log(help)
      return 0
    case undefined:
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
      console.error(`allowance: ${ErrorWords.describe(error)}`)
      process.exitCode = 1
    }
  },
)
