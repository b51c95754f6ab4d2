import * as Balances from '../wallet/Balances.js'
import * as Wallet from '../wallet/Wallet.js'
import type { Companion } from './Companion.js'
import { ok, RouteError, type Route } from './UiRoute.js'
import * as WalletViews from './WalletViews.js'

/**
 * The Wallet screen's endpoints. Only the address ever leaves the companion: creating a wallet
 * generates the key here and stores it in the keychain. There is deliberately no import endpoint:
 * a private key typed into the page would sit in the renderer's memory and DOM (and reach its spell
 * checker and input methods), which the design forbids, so the page shows `allowance wallet import`,
 * which reads the key from stdin or a file straight into the keychain.
 *
 * - `GET /api/wallet`: address, where the key is kept, the card
 * - `GET /api/wallet/balances`: each known token on each chain with an RPC endpoint in settings.json
 * - `POST /api/wallet/create`
 */
export function routes(companion: Companion): Route[] {
  return [
    { method: 'GET', path: /^\/api\/wallet$/, answer: () => ok(WalletViews.wallet(companion.home)) },
    {
      method: 'GET',
      path: /^\/api\/wallet\/balances$/,
      async answer() {
        const info = Wallet.info(companion.home)
        if (!info) throw new RouteError(409, new Wallet.NoWalletError().message)
        return ok(WalletViews.balances(await Balances.read(info.address, companion.registry, companion.config.rpc)))
      },
    },
    {
      method: 'POST',
      path: /^\/api\/wallet\/create$/,
      async answer() {
        const existing = Wallet.info(companion.home)
        if (existing) throw new RouteError(409, `There is already a wallet (${existing.address}).`)
        try {
          const created = await Wallet.create(companion.home, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
          return ok({ address: created.address, message: `Created wallet ${created.address}; its key is in ${Wallet.where(created)}. Fund it to pay for tools.` })
        } catch (error) {
          // The keychain (or the keystore's passphrase) is missing: the sentence says what to do.
          throw new RouteError(503, (error as Error).message)
        }
      },
    },
  ]
}
