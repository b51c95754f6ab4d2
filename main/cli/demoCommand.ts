import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const usage = Usage.format({
  synopsis: ['allowance demo'],
  about: `A paid tool call in a minute, without real money: starts the companion (unless one runs),
a local test chain and a paid MCP server, funds your wallet (creating one if there is none) with
test USDC, adds a rule paying that server up to $0.05 a call, and prints the entry to paste into
an agent host. Where there is no OS keychain it asks for the wallet's passphrase (or reads one
line piped on stdin) and hands it to the companion. Ctrl+C stops everything it started.`,
  environment: [
    ['ALLOWANCE_HOME', 'the data directory that gets the wallet, the rule and the test token'],
    ['ALLOWANCE_WALLET_PASSPHRASE', 'for automation: the passphrase, instead of a prompt'],
  ],
  examples: ['allowance demo', 'ALLOWANCE_HOME=~/allowance-demo allowance demo'],
})

/** `allowance demo`. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0)
  return (await import('../demo/demo.js')).run(await import('./WalletAccess.js'))
}
