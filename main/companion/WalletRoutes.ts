import * as Warnings from '../ledger/Warnings.js'
import * as Amount from '../payments/Amount.js'
import * as Channels from '../ledger/Channels.js'
import { CreateWalletBody, ThresholdBody, UnlockBody, type ChannelView, type Refusal, type WalletView, type WithMessage } from '../uiapi/Contract.js'
import * as Balances from '../wallet/Balances.js'
import * as SecretStore from '../wallet/SecretStore.js'
import * as Wallet from '../wallet/Wallet.js'
import type { Companion } from './Companion.js'
import { body, input, ok, RouteError, type Route } from './UiRoute.js'
import * as WalletViews from './WalletViews.js'

/**
 * The Wallet screen's endpoints. Only the address ever leaves the companion: creating a wallet
 * generates the key here and stores it in the keychain, or, where no keychain answers, in a file
 * sealed with a passphrase the user types into the page; that passphrase (and the one that unlocks
 * the file later) stays in the companion's memory. There is deliberately no import endpoint: a
 * private key typed into the page would sit in the renderer's memory and DOM (and reach its spell
 * checker and input methods), which the design forbids, so the page shows `allowance wallet
 * import`, which reads the key from stdin or a file straight into the store.
 *
 * - `GET /api/wallet`: address, where the key is kept, whether it is locked, the card
 * - `GET /api/wallet/balances`: each known token on each chain with an RPC endpoint in settings.json
 * - `POST /api/wallet/create` `{ passphrase? }`: 409 `{ needsPassphrase: true }` without a keychain and a passphrase
 * - `POST /api/wallet/unlock` `{ passphrase }`, `POST /api/wallet/lock`
 * - `POST /api/wallet/threshold` `{ currency, amount }`: a token's warning level ("5.00"; null: the default; "0": none)
 * - `GET /api/wallet/channels`: tempo session channels (server, deposited, used, refundable, expiry)
 * - `POST /api/wallet/channels/<id>/close`: asks the escrow to close a channel; the refund comes back once it has
 */
export function routes(companion: Companion): Route[] {
  const view = () => WalletViews.wallet(companion.home, companion.wallet(), companion)
  const channels = (): ChannelView[] => {
    const weekAgo = Date.now() - 7 * 86_400_000
    const shown = Channels.list(companion.db, ['opening', 'open', 'closing', 'closed']).filter((channel) => channel.closedAt === null || channel.closedAt > weekAgo)
    return shown.map((channel) => WalletViews.channel(channel, companion.registry))
  }
  return [
    { method: 'GET', path: /^\/api\/wallet$/, answer: () => ok(view()) },
    { method: 'GET', path: /^\/api\/wallet\/channels$/, answer: () => ok(channels()) },
    {
      method: 'POST',
      path: /^\/api\/wallet\/channels\/(0x[0-9a-fA-F]{64})\/close$/,
      async answer({ params }) {
        const id = params[0]!
        if (!Channels.get(companion.db, id)) throw new RouteError(404, `There is no session channel ${id}.`)
        try {
          const channel = await companion.sessions.close(id)
          return ok({ ...WalletViews.channel(channel, companion.registry), message: 'Asked the escrow to close the channel; the rest of the deposit comes back once the server settles.' } satisfies WithMessage<ChannelView>)
        } catch (error) {
          throw new RouteError(409, (error as Error).message)
        }
      },
    },
    {
      method: 'GET',
      path: /^\/api\/wallet\/balances$/,
      async answer() {
        const info = Wallet.info(companion.home)
        if (!info) throw new RouteError(409, new Wallet.NoWalletError().message)
        // A look at the balances is a balance check: a wallet topped up loses its warning now.
        const [read] = await Promise.all([Balances.read(info.address, companion.registry, companion.config.rpc), companion.funds.check()])
        return ok(WalletViews.balances(read))
      },
    },
    {
      method: 'POST',
      path: /^\/api\/wallet\/create$/,
      async answer(request) {
        const { passphrase } = body(CreateWalletBody, request.body ?? {}, 'wallet')
        const existing = Wallet.info(companion.home)
        if (existing) throw new RouteError(409, `There is already a wallet (${existing.address}).`)
        try {
          const created = await companion.createWallet(passphrase)
          return ok({ ...view(), message: `Created wallet ${created.address}; its key is in ${Wallet.where(created)}. Fund it to pay for tools.` } satisfies WithMessage<WalletView>)
        } catch (error) {
          if (error instanceof SecretStore.PassphraseNeededError) return { status: 409, json: JSON.stringify({ error: error.message, needsPassphrase: true } satisfies Refusal) }
          if (error instanceof SecretStore.WeakPassphraseError) throw new RouteError(400, error.message)
          // The keychain failed in another way: the sentence says what to do.
          throw new RouteError(503, (error as Error).message)
        }
      },
    },
    {
      method: 'POST',
      path: /^\/api\/wallet\/unlock$/,
      async answer(request) {
        const { passphrase } = body(UnlockBody, request.body, 'unlock')
        try {
          await companion.unlockWallet(passphrase)
        } catch (error) {
          if (error instanceof Wallet.NoWalletError) throw new RouteError(409, error.message)
          if (error instanceof SecretStore.WrongPassphraseError) throw new RouteError(403, error.message)
          throw error
        }
        return ok({ ...view(), message: 'The wallet is unlocked until you lock it or quit Allowance.' } satisfies WithMessage<WalletView>)
      },
    },
    {
      method: 'POST',
      path: /^\/api\/wallet\/threshold$/,
      async answer(request) {
        const given = body(ThresholdBody, request.body, 'threshold')
        const token = companion.registry.entries.find((entry) => entry.kind === 'token' && entry.key === given.currency)
        if (!token) throw new RouteError(400, `${given.currency} is not a token Allowance knows.`)
        const amount = given.amount === null ? undefined : input(() => Amount.fromDecimal(given.amount!, token.decimals))
        Warnings.setThreshold(companion.db, token.key, amount, Date.now())
        await companion.funds.check()
        const what = amount === undefined ? 'back to the default (what your budgets could spend in a day)' : amount === 0n ? 'off' : `below ${Amount.formatWithSymbol(amount, token)}`
        return ok({ ...view(), message: `Allowance warns about ${token.symbol} ${what}.` } satisfies WithMessage<WalletView>)
      },
    },
    {
      method: 'POST',
      path: /^\/api\/wallet\/lock$/,
      async answer() {
        await companion.lockWallet()
        return ok({ ...view(), message: 'The wallet is locked: Allowance refuses payments by wallet until you unlock it again.' } satisfies WithMessage<WalletView>)
      },
    },
  ]
}
