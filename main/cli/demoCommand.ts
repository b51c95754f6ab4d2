import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const usage = Usage.format({
  synopsis: ['allowance demo'],
  about: `A paid tool call in a minute, without real money: starts a local test chain, funds your
wallet (creating one if there is none) with test USDC, starts a paid MCP server and the
companion, adds a rule paying that server up to $0.05 a call, and prints the entry to paste into
an agent host. Ctrl+C stops everything it started.`,
  environment: [
    ['ALLOWANCE_HOME', 'the data directory that gets the wallet, the rule and the test token'],
    ['ALLOWANCE_WALLET_PASSPHRASE', 'keeps a new wallet in an encrypted file where there is no keychain'],
  ],
  examples: ['allowance demo', 'ALLOWANCE_HOME=~/allowance-demo allowance demo'],
})

/** `allowance demo`. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0, usage)
  return (await import('../demo/demo.js')).run()
}
