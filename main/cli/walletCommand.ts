import { readFileSync } from 'node:fs'
import * as Config from '../companion/Config.js'
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

export const flags = { file: { type: 'string' }, json: { type: 'boolean', default: false } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance wallet create',
    'allowance wallet import [--file PATH]',
    'allowance wallet unlock',
    'allowance wallet lock',
    'allowance wallet address [--json]',
    'allowance wallet balance [--json]',
    'allowance wallet remove',
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
  ],
  options: [
    ['--file PATH', 'import: read the key from this file instead of stdin'],
    ['--json', 'address, balance: as JSON'],
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
    case 'remove': {
      const removed = await Wallet.remove(home, options)
      console.log(removed ? `Removed wallet ${removed.address}; its key is deleted from ${Wallet.where(removed)}.` : 'There is no wallet to remove.')
      return 0
    }
    default:
      throw new UsageError(action ? `unknown wallet action "${action}".` : 'which wallet action?')
  }
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
