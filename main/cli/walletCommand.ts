import { readFileSync } from 'node:fs'
import * as Config from '../companion/Config.js'
import * as Funds from '../companion/Funds.js'
import * as Warnings from '../ledger/Warnings.js'
import * as Amount from '../payments/Amount.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as Log from '../shared/Log.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Home from '../shared/Home.js'
import * as Balances from '../wallet/Balances.js'
import * as Wallet from '../wallet/Wallet.js'
import * as Money from './Money.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Passphrase from './Passphrase.js'
import * as Usage from './Usage.js'
import * as WalletAccess from './WalletAccess.js'
import { UsageError } from './UsageError.js'

export const flags = { file: { type: 'string' }, json: { type: 'boolean', default: false }, token: { type: 'string' } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance wallet create',
    'allowance wallet import [--file PATH]',
    'allowance wallet unlock',
    'allowance wallet lock',
    'allowance wallet address [--json]',
    'allowance wallet balance [--json]',
    'allowance wallet remove',
    'allowance wallet threshold [<amount>|default --token <chainId>:<address>] [--json]',
    'allowance wallet warnings [--json]',
  ],
  about: `The key that pays \`evm\` and \`tempo\` charges, kept in the OS keychain (or, where there is
none, in a file encrypted with a passphrase you choose). Only its address is ever printed. A key in
a file signs only while the running companion holds it unlocked: \`unlock\` hands it the passphrase
(typed at a hidden prompt, or one line piped on stdin), which stays in its memory until it quits or
you \`lock\` it.`,
  actions: [
    ['create', 'a new key (asks for a passphrase where there is no keychain)'],
    ['import', 'a private key from stdin (or --file), never from the command line'],
    ['unlock', 'gives the running companion the passphrase of a key kept in a file'],
    ['lock', 'makes the running companion forget it: wallet payments are refused until unlocked'],
    ['address', "the wallet's address, to fund it"],
    ['balance', 'balances of known tokens on the chains with an RPC URL in settings.json'],
    ['remove', 'deletes the key from its store'],
    ['threshold', "the balance below which Allowance warns you, per token (default: what your\nbudgets could spend in a day; 0: never); without an amount, lists them"],
    ['warnings', 'what would make payments fail now: a low balance, a payment short of funds, a card'],
  ],
  options: [
    ['--file PATH', 'import: read the key from this file instead of stdin'],
    ['--token KEY', 'threshold: the token, as <chainId>:<address> (see `wallet threshold`)'],
    ['--json', 'address, balance, threshold, warnings: as JSON'],
  ],
  environment: [['ALLOWANCE_WALLET_PASSPHRASE', 'for automation: the passphrase, instead of a prompt (8+ characters)']],
  examples: ['allowance wallet create', 'allowance wallet import < key.txt', "printf '%s\\n' \"$PASS\" | allowance wallet unlock", 'allowance wallet balance --json'],
})

/** `allowance wallet …`: the key stays in the keychain; only its address is ever printed. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action] = positionals
  if (action === 'threshold') {
    Options.noMore(positionals, 2)
    return threshold(Home.resolve(), positionals[1], values)
  }
  Options.noMore(positionals, 1)
  const home = Home.resolve()
  const options = { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE }
  switch (action) {
    case 'create': {
      const { wallet, companion } = await WalletAccess.save(home)
      console.log(`Created wallet ${wallet.address} (key in ${Wallet.where(wallet)}). Fund it to pay for tools.${companion ? ` ${companion}` : ''}`)
      return 0
    }
    case 'import': {
      const key = values.file ? readFileSync(values.file, 'utf8') : await readStdin()
      const { wallet, companion } = await WalletAccess.save(home, key)
      console.log(`Imported wallet ${wallet.address} (key in ${Wallet.where(wallet)}).${companion ? ` ${companion}` : ''}`)
      return 0
    }
    case 'unlock': {
      const info = Wallet.info(home)
      if (!info) throw new Wallet.NoWalletError()
      if (info.store === 'keychain') {
        console.log(`The wallet ${info.address} is in the OS keychain: there is nothing to unlock.`)
        return 0
      }
      const passphrase = process.env.ALLOWANCE_WALLET_PASSPHRASE ?? (await Passphrase.read({ purpose: 'Wallet passphrase' }))
      await WalletAccess.unlockCompanion(home, passphrase)
      console.log(`Unlocked wallet ${info.address} in the running companion, until it quits or you run \`allowance wallet lock\`.`)
      return 0
    }
    case 'lock': {
      const status = await WalletAccess.lockCompanion(home)
      if (!status) console.log('There is no wallet to lock.')
      else if (status.store === 'keychain') console.log(`The wallet ${status.address} is in the OS keychain, which locks with your session: there is nothing to lock here.`)
      else console.log(`Locked wallet ${status.address}: the companion refuses payments by wallet until you unlock it.`)
      return 0
    }
    case 'address': {
      const info = Wallet.info(home)
      if (!info) throw new Wallet.NoWalletError()
      console.log(values.json ? Output.json(info) : info.address)
      return 0
    }
    case 'balance': {
      const info = Wallet.info(home)
      if (!info) throw new Wallet.NoWalletError()
      const config = Config.read(Home.paths(home).config)
      const balances = await Balances.read(info.address, Money.registry(), config.rpc)
      if (values.json) console.log(Output.json({ address: info.address, balances }))
      else if (balances.length === 0) console.log(`${info.address}: no chain has an RPC URL in settings.json ("rpc": {"<chainId>": "<url>"}).`)
      else {
        const rows = balances.map((balance) =>
          'error' in balance
            ? [String(balance.chainId), balance.symbol, `unavailable: ${balance.error}`]
            : [String(balance.chainId), `${balance.symbol}${balance.testnet ? ' (test network)' : ''}`, balance.formatted],
        )
        console.log(`${info.address}\n${Output.table(['chain', 'token', 'balance'], rows)}`)
      }
      return 0
    }
    case 'warnings': {
      const warnings = LedgerAccess.use((db) => Warnings.active(db))
      if (values.json) console.log(Output.json(warnings.map(({ kind, title, body, action, createdAt }) => ({ kind, title, body, action, since: createdAt }))))
      else if (warnings.length === 0) console.log('Nothing stands in the way of payments: no balance is below its warning level, and the card has not failed.')
      else for (const warning of warnings) console.log(`${warning.title} (since ${Output.time(warning.createdAt)})\n  ${warning.body}${warning.action ? `\n  ${warning.action}` : ''}`)
      return 0
    }
    case 'remove': {
      const removed = await Wallet.remove(home, options)
      console.log(removed ? `Removed wallet ${removed.address}; its key is deleted from ${Wallet.where(removed)}.` : 'There is no wallet to remove.')
      return 0
    }
    default:
      throw new UsageError(action ? `unknown wallet action "${action}".` : 'which wallet action?')
  }
}

/** `wallet threshold`: lists each watched token's warning level, or sets one (`default` takes it back to the budgets' day). */
async function threshold(home: string, given: string | undefined, values: { token?: string | undefined; json?: boolean | undefined }): Promise<number> {
  const registry = Money.registry()
  const config = Config.read(Home.paths(home).config)
  if (given !== undefined) {
    if (!values.token) throw new UsageError('which token? Give --token <chainId>:<address> (`allowance wallet threshold` lists them).')
    const key = values.token.trim().toLowerCase()
    const token = registry.entries.find((entry): entry is TokenRegistry.Token => entry.kind === 'token' && entry.key === key)
    if (!token) throw new UsageError(`${values.token} is not a token Allowance knows (add it under "tokens" in settings.json).`)
    const amount = given === 'default' ? undefined : Options.check(() => Units.amount(given, { unit: token.key, decimals: token.decimals }))
    LedgerAccess.use((db) => Warnings.setThreshold(db, token.key, amount, Date.now()))
    const what = amount === undefined ? 'back to the default (what your budgets could spend in a day)' : amount === 0n ? 'never' : `below ${Amount.formatWithSymbol(amount, token)}`
    console.log(`Allowance warns about ${token.symbol} on chain ${token.chainId} ${what}.`)
    return 0
  }
  const info = Wallet.info(home)
  const levels = LedgerAccess.use((db) =>
    Funds.create({ db, home, registry: () => registry, config: () => config, address: () => info?.address, notify: () => {}, log: Log.create({ name: 'cli', stderr: false }) }).thresholds(),
  )
  const rows = levels.map(({ token, amount, byDefault }) => ({
    token: token.key,
    symbol: token.symbol,
    chainId: token.chainId,
    warnBelow: amount === undefined || amount === 0n ? null : Amount.format(amount, token.decimals),
    byDefault,
  }))
  if (values.json) console.log(Output.json(rows))
  else if (rows.length === 0) console.log('No token is watched yet: one is once the wallet pays with it, or once you set its level with --token.')
  else console.log(Output.table(['token', 'chain', 'warn below', 'from'], rows.map((row) => [`${row.symbol} ${row.token}`, String(row.chainId), row.warnBelow ?? 'never', row.byDefault ? 'your budgets for a day' : 'you'])))
  return 0
}

function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new UsageError('paste the key on stdin (e.g. `allowance wallet import < key.txt`), or use --file.')
  return new Promise((resolve, reject) => {
    let text = ''
    process.stdin.setEncoding('utf8')
    process.stdin.on('data', (chunk: string) => (text += chunk))
    process.stdin.once('end', () => resolve(text))
    process.stdin.once('error', reject)
  })
}
