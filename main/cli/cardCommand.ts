import { readFileSync } from 'node:fs'
import { text } from 'node:stream/consumers'
import * as Config from '../companion/Config.js'
import * as StripeApi from '../payments/StripeApi.js'
import * as Home from '../shared/Home.js'
import * as Card from '../wallet/Card.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = {
  'payment-method': { type: 'string' },
  file: { type: 'string' },
  json: { type: 'boolean', default: false },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance card add [--payment-method pm_…] [--file PATH]', 'allowance card show [--json]', 'allowance card remove'],
  about: `The card pays \`stripe\` charges with a Shared Payment Token that your Stripe account issues
for exactly one payment. Its key stays in the OS keychain; only the card's brand, last digits
and mode are ever printed.`,
  actions: [
    ['add', 'a Stripe secret or restricted key from stdin (or --file), never from the command line;\ntest or live mode comes from the key'],
    ['show', 'the card, and whether it pays in test or live mode'],
    ['remove', 'deletes the Stripe key from the keychain'],
  ],
  options: [
    ['--payment-method pm_…', "the card to pay with; without it, the account's cards are listed\nand its only one is chosen"],
    ['--file PATH', 'read the key from this file instead of stdin'],
    ['--json', 'show: the card as JSON'],
  ],
  environment: [['ALLOWANCE_WALLET_PASSPHRASE', 'seals the key in an encrypted file where there is no keychain']],
  examples: ['allowance card add --payment-method pm_1Qx… < stripe-key.txt', 'allowance card show --json'],
})

/** `allowance card …`: the Stripe key stays in the keychain; only the card's mode, brand and last digits are printed. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 1)
  const home = Home.resolve()
  // Without a keychain, the Stripe key is sealed in a file with the wallet's passphrase.
  const options = { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE }
  const [action] = positionals
  switch (action) {
    case 'add': {
      if (!values.file && process.stdin.isTTY) throw new UsageError('give the Stripe key on stdin (e.g. `allowance card add < stripe-key.txt`), or use --file.')
      const key = (values.file ? readFileSync(values.file, 'utf8') : await text(process.stdin)).trim()
      const mode = Options.check(() => StripeApi.mode(key))
      const client = StripeApi.client(key, { apiBase: Config.read(Home.paths(home).config).stripe.apiBase })
      const paymentMethod = values['payment-method'] ?? (await choose(client, mode))
      const card = await Card.add(home, { key, paymentMethod, client, options })
      console.log(`Added card ${Card.label(card)}; its Stripe key is in the ${card.store === 'keychain' ? 'OS keychain' : 'encrypted keystore file'}.${mode === 'live' ? ' Live mode: payments charge the real card.' : ''}`)
      return 0
    }
    case 'show': {
      const card = Card.info(home)
      if (!card) throw new Card.NoCardError()
      console.log(values.json ? Output.json(card) : `${Card.label(card)}${card.mode === 'test' ? ': test mode, no real money' : ': live mode, real charges'}`)
      return 0
    }
    case 'remove': {
      const removed = await Card.remove(home, options)
      console.log(removed ? `Removed card ${Card.label(removed)}; its Stripe key is deleted.` : 'There is no card to remove.')
      return 0
    }
    default:
      throw new UsageError(action ? `unknown card action "${action}".` : 'which card action?')
  }
}

/** The account's only card; with several, the list to choose from with --payment-method. */
async function choose(client: ReturnType<typeof StripeApi.client>, mode: StripeApi.Mode): Promise<string> {
  const methods = await Card.paymentMethods(client)
  if (methods.length === 1) return methods[0]!.id
  if (methods.length === 0) throw new Error(`The Stripe account (${mode} mode) has no card; add one in Stripe, or name one with --payment-method.`)
  const rows = methods.map((method) => [method.id, method.brand ?? '', method.last4 ? `•••• ${method.last4}` : ''])
  throw new UsageError(`the account (${mode} mode) has several cards; choose one with --payment-method:\n${Output.table(['payment method', 'brand', 'number'], rows)}`)
}
