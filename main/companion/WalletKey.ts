import type { PrivateKeyAccount } from 'viem/accounts'
import * as Cached from '../shared/Cached.js'
import * as Card from '../wallet/Card.js'
import * as SecretStore from '../wallet/SecretStore.js'
import * as Wallet from '../wallet/Wallet.js'

/**
 * The companion's hold on the wallet's key, and on the passphrase that opens it where there is no
 * OS keychain. A key in the keychain is read when first needed. A key in an encrypted file needs a
 * passphrase: the one a person gave this run (the Wallet screen, `allowance wallet unlock`), else
 * `ALLOWANCE_WALLET_PASSPHRASE`, which stays for automation. The passphrase and the key live in
 * this process's memory only: never on disk, in a log or on a command line. `lock()` drops both,
 * and a locked wallet stays locked, the variable ignored, until someone unlocks it again.
 */
export type WalletKey = {
  /** What the Wallet screen, `status` and `doctor` show: never the key or the passphrase. */
  state(): State | undefined
  /** The signing account; throws `SecretStore.LockedError` when the key's file has no passphrase. */
  account(): Promise<PrivateKeyAccount>
  /** The card's Stripe key, kept in the same kind of store, opened with the same passphrase. */
  cardKey(): ReturnType<typeof Card.secretKey>
  /** Whether a payment could be signed now; reads the key to find out, as a payment would. */
  canSign(): Promise<{ ok: true } | { ok: false; problem: string }>
  /**
   * Checks `passphrase` against the key's file and keeps it. Throws `Wallet.NoWalletError`, or
   * `SecretStore.WrongPassphraseError` for a passphrase that does not open it, and changes nothing.
   */
  unlock(passphrase: string): Promise<State>
  /** Creates the wallet: in the keychain, else in a file sealed with `passphrase` (kept, as by unlock). */
  create(passphrase?: string): Promise<State>
  lock(): State | undefined
  /** What opens a secret kept in an encrypted file this run (sign-in tokens share the wallet's passphrase). */
  secretOptions(): SecretStore.Options
}

export type State = {
  address: `0x${string}`
  store: SecretStore.Kind
  /** A key in a file that no passphrase opens in this run. */
  locked: boolean
}

export function create(home: string): WalletKey {
  const info = Cached.fromFile(Wallet.infoPath(home), () => Wallet.info(home))
  // Given in this run; `null` after a lock, so that the variable no longer opens the file either.
  let given: string | null | undefined
  let signer: { address: string; account: Promise<PrivateKeyAccount> } | undefined
  const passphrase = () => (given === null ? undefined : (given ?? process.env.ALLOWANCE_WALLET_PASSPHRASE))

  const state = (): State | undefined => {
    const wallet = info()
    return wallet && { address: wallet.address, store: wallet.store, locked: wallet.store === 'file' && passphrase() === undefined }
  }

  const account = (): Promise<PrivateKeyAccount> => {
    const wallet = info()
    if (!wallet) return Promise.reject(new Wallet.NoWalletError())
    if (signer?.address !== wallet.address) {
      if (wallet.store === 'file' && passphrase() === undefined) return Promise.reject(new SecretStore.LockedError('wallet'))
      const opened = Wallet.account(home, { passphrase: passphrase() })
      signer = { address: wallet.address, account: opened }
      opened.catch(() => signer?.account === opened && (signer = undefined))
    }
    return signer.account
  }

  return {
    state,
    account,
    cardKey: () => Card.secretKey(home, { passphrase: passphrase() }),
    async canSign() {
      try {
        await account()
        return { ok: true }
      } catch (error) {
        return { ok: false, problem: (error as Error).message }
      }
    },
    async unlock(typed) {
      const wallet = info()
      if (!wallet) throw new Wallet.NoWalletError()
      if (wallet.store === 'keychain') return state()!
      // Opening the file is the check: a wrong passphrase throws before anything is kept.
      let opened: PrivateKeyAccount
      try {
        opened = await Wallet.account(home, { passphrase: typed })
      } catch (error) {
        // Too short to have sealed anything is as wrong as any other.
        throw error instanceof SecretStore.WeakPassphraseError ? new SecretStore.WrongPassphraseError() : error
      }
      given = typed
      signer = { address: wallet.address, account: Promise.resolve(opened) }
      return state()!
    },
    async create(typed) {
      const created = await Wallet.create(home, { passphrase: typed ?? passphrase() })
      if (created.store === 'file' && typed !== undefined) given = typed
      signer = undefined
      return state() ?? { ...created, locked: false }
    },
    lock() {
      given = null
      signer = undefined
      return state()
    },
    secretOptions: () => ({ passphrase: passphrase() }),
  }
}
