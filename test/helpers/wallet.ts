import { temporaryHome } from './processes.js'
import * as Wallet from '../../main/wallet/Wallet.js'

/** The passphrase of test wallets' keystore files; the companions the tests start inherit it. */
export const passphrase = 'test passphrase'

/**
 * A wallet in the encrypted-file store of `home` (no keychain needed), so that a companion can
 * sign: `evm` charges sign offline with the key alone.
 */
export async function fileWallet(home: string): Promise<Wallet.Info> {
  process.env.ALLOWANCE_WALLET_PASSPHRASE = passphrase
  return Wallet.create(home, { store: 'file', passphrase })
}

/** Data directories with a wallet for one test file (the companion approves only what it can sign). */
export function walletHomes() {
  const homes: { remove(): void }[] = []
  return {
    async create(): Promise<string> {
      const created = temporaryHome()
      homes.push(created)
      await fileWallet(created.home)
      return created.home
    },
    removeAll: () => homes.splice(0).forEach((created) => created.remove()),
  }
}

/**
 * This process's environment as a machine with no keychain sees it: no D-Bus session (so no
 * Secret Service answers) and no ALLOWANCE_WALLET_PASSPHRASE (so only a person's passphrase opens a file).
 */
export function withoutKeychain(environment: NodeJS.ProcessEnv = process.env): NodeJS.ProcessEnv {
  const { DBUS_SESSION_BUS_ADDRESS: _bus, ALLOWANCE_WALLET_PASSPHRASE: _passphrase, ...rest } = environment
  return rest
}
