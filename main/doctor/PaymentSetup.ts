import { existsSync } from 'node:fs'
import * as Deadline from '../shared/Deadline.js'
import * as Card from '../wallet/Card.js'
import * as SecretStore from '../wallet/SecretStore.js'
import * as Wallet from '../wallet/Wallet.js'

/** What can pay, and whether its key is where the data directory says it is. Keys are never shown. */
export type Setup = {
  wallet: (Method & { address: string }) | undefined
  card: (Method & { label: string }) | undefined
  keychain: { reachable: true } | { reachable: false; error: string }
}

/** A payment method's store, and whether its key is there (undefined: the keychain did not answer). */
export type Method = { store: SecretStore.Kind; keyPresent: boolean | undefined }

/** How long the OS keychain may take to answer (a locked one may wait for the user). */
const keychainTimeoutMs = 5000

/** Reads `wallet.json` and `card.json` in `home`, and asks the keychain for their keys. */
export async function inspect(home: string): Promise<Setup> {
  const wallet = Wallet.info(home)
  const card = Card.info(home)
  // Reading the wallet's entry is the probe: it answers even when nothing is stored there.
  const walletKey = await present(home, 'wallet')
  const keychain = walletKey instanceof Error ? ({ reachable: false, error: walletKey.message } as const) : ({ reachable: true } as const)
  const cardKey = card?.store === 'keychain' && keychain.reachable ? await present(home, 'card') : undefined
  const keyPresent = (name: SecretStore.Name, store: SecretStore.Kind, inKeychain: boolean | Error | undefined) =>
    store === 'file' ? existsSync(SecretStore.keystorePath(home, name)) : typeof inKeychain === 'boolean' ? inKeychain : undefined
  return {
    wallet: wallet && { address: wallet.address, store: wallet.store, keyPresent: keyPresent('wallet', wallet.store, walletKey) },
    card: card && { label: Card.label(card), store: card.store, keyPresent: keyPresent('card', card.store, cardKey) },
    keychain,
  }
}

async function present(home: string, name: SecretStore.Name): Promise<boolean | Error> {
  const read = SecretStore.keychain(home, name).read()
  return Deadline.within(read, keychainTimeoutMs, () => new Error(`the OS keychain did not answer within ${keychainTimeoutMs / 1000} s (is it locked?)`)).then(
    (secret) => secret !== null,
    (error: Error) => error,
  )
}
