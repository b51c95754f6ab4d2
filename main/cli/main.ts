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
    ['auth', 'sign in to servers that want it (list, login, logout); tokens stay in the keychain'],
    ['install', 'adds a server to an agent host through Allowance, or routes one there (--wrap)'],
    ['uninstall', 'takes it out again, or puts back the entry it replaced'],
    ['wallet', 'the key that pays, in the OS keychain (or a file you unlock)'],
    ['card', 'a Stripe card that pays `stripe` charges, its key in the keychain'],
    ['rules', 'per-call rules: auto-approve up to an amount, or a hard limit'],
    ['budget', 'spending caps per day, week or month'],
    ['leases', '"allow this server for 30 minutes, up to $2"'],
    ['subscriptions', 'the subscriptions you approved: amount per period, next charge, charges so far'],
    ['shares', 'the servers your wallet address is shown to when they ask (no money moves)'],
    ['pause, resume', 'the kill switch: decline every payment, or pay again'],
    ['rechallenge', 'a second payment for one call: decline it (default), or ask you'],
    ['servers', "what a server's calls cost (prices, where each came from), what the agent sees"],
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

/** Each subcommand, imported only when it runs, so `allowance bridge` loads the bridge and nothing else. */
const commands: Record<string, (argv: string[]) => Promise<number>> = {
  bridge: async (argv) => (await import('./bridgeCommand.js')).run(argv), // -1: keeps running until the host closes stdin
  daemon: async (argv) => (await import('./daemonCommand.js')).run(argv),
  status: async (argv) => (await import('./statusCommand.js')).run(argv),
  open: async (argv) => (await import('./openCommand.js')).run(argv),
  rules: async (argv) => (await import('./rulesCommand.js')).run(argv),
  budget: async (argv) => (await import('./budgetCommand.js')).run(argv),
  budgets: async (argv) => (await import('./budgetCommand.js')).run(argv),
  leases: async (argv) => (await import('./leasesCommand.js')).run(argv),
  lease: async (argv) => (await import('./leasesCommand.js')).run(argv),
  subscriptions: async (argv) => (await import('./subscriptionsCommand.js')).run(argv),
  shares: async (argv) => (await import('./sharesCommand.js')).run(argv),
  pause: async (argv) => (await import('./pauseCommand.js')).run(argv, true),
  resume: async (argv) => (await import('./pauseCommand.js')).run(argv, false),
  rechallenge: async (argv) => (await import('./rechallengeCommand.js')).run(argv),
  install: async (argv) => (await import('./installCommand.js')).run(argv, false),
  uninstall: async (argv) => (await import('./installCommand.js')).run(argv, true),
  doctor: async (argv) => (await import('./doctorCommand.js')).run(argv),
  demo: async (argv) => (await import('./demoCommand.js')).run(argv),
  wallet: async (argv) => (await import('./walletCommand.js')).run(argv),
  card: async (argv) => (await import('./cardCommand.js')).run(argv),
  history: async (argv) => (await import('./historyCommand.js')).run(argv),
  auth: async (argv) => (await import('./authCommand.js')).run(argv),
  servers: async (argv) => (await import('./serversCommand.js')).run(argv),
  start: async (argv) => (await import('./startCommand.js')).run(argv),
}

/** The `allowance` command. */
async function main(argv: string[]): Promise<number> {
  const [command, ...rest] = argv
  if (command !== undefined && Object.hasOwn(commands, command)) return commands[command]!(rest)
  if (command === 'help' && rest[0] !== undefined) return main([rest[0], '--help'])
  if (command === undefined || command === 'help' || command === '--help' || command === '-h') {
    console.log(help)
    return 0
  }
  throw new UsageError(`unknown command "${command}".`)
}

/** Where a usage error sends the user: the help of the command they typed, or the top level's. */
function helpCommand(argv: readonly string[]): string {
  const command = argv[0] === 'help' ? argv[1] : argv[0]
  return command !== undefined && Object.hasOwn(commands, command) ? `allowance ${command} --help` : 'allowance --help'
}

const argv = process.argv.slice(2)
main(argv).then(
  (code) => {
    if (code >= 0) process.exitCode = code
  },
  (error: unknown) => {
    if (error instanceof UsageError) {
      console.error(`allowance: ${error.message}\nSee \`${helpCommand(argv)}\`.`)
      process.exitCode = 2
    } else {
      console.error(`allowance: ${ErrorWords.describe(error)}`)
      process.exitCode = 1
    }
  },
)
