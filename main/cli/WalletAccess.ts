import { CompanionUnavailableError, once } from '../wire/Client.js'
import type { ClientRequest, WalletStatus } from '../wire/Messages.js'
import * as Home from '../shared/Home.js'
import * as SecretStore from '../wallet/SecretStore.js'
import * as Wallet from '../wallet/Wallet.js'
import * as Passphrase from './Passphrase.js'

/**
 * The wallet as the CLI reaches it: created (or imported) in this process, and unlocked in the
 * running companion, which is the one that signs. Where no keychain answers, the key goes to a file
 * sealed with a passphrase the person types (or ALLOWANCE_WALLET_PASSPHRASE, for automation); the
 * companion is then handed the same passphrase, so that its next payment can be signed.
 */
export async function save(home: string, key?: string): Promise<{ wallet: Wallet.Info; companion?: string }> {
  const write = (passphrase: string | undefined) => (key ? Wallet.importKey(home, key, { passphrase }) : Wallet.create(home, { passphrase }))
  let passphrase = process.env.ALLOWANCE_WALLET_PASSPHRASE
  let wallet: Wallet.Info
  try {
    wallet = await write(passphrase)
  } catch (error) {
    if (!(error instanceof SecretStore.PassphraseNeededError)) throw error
    process.stderr.write('No OS keychain answers: Allowance will keep the key in a file sealed with a passphrase (8+ characters).\n')
    passphrase = await Passphrase.read({ confirm: true, purpose: 'Choose a passphrase' })
    wallet = await write(passphrase)
  }
  if (wallet.store === 'keychain') return { wallet }
  try {
    await unlockCompanion(home, passphrase!)
    return { wallet, companion: 'The running companion has it unlocked until it quits or you run `allowance wallet lock`.' }
  } catch (error) {
    if (!(error instanceof CompanionUnavailableError)) throw error
    return { wallet, companion: 'When the companion starts, unlock it in the Allowance window (Wallet) or with `allowance wallet unlock`.' }
  }
}

/** Hands a passphrase to the running companion; rejects with a sentence when none runs or it is wrong. */
export function unlockCompanion(home: string, passphrase: string): Promise<WalletStatus | null> {
  return ask(home, { type: 'wallet.unlock', passphrase })
}

export function lockCompanion(home: string): Promise<WalletStatus | null> {
  return ask(home, { type: 'wallet.lock' })
}

/**
 * Makes sure the running companion can sign: a wallet in a file it holds locked is unlocked with a
 * passphrase the person types (or pipes). Returns what the companion reports afterwards.
 */
export async function ensureUnlocked(home: string): Promise<WalletStatus | null> {
  const status = await ask<{ wallet: WalletStatus | null }>(home, { type: 'status' })
  if (!status.wallet?.locked) return status.wallet
  process.stderr.write(`The wallet ${status.wallet.address} is in an encrypted file and the companion holds it locked.\n`)
  const passphrase = process.env.ALLOWANCE_WALLET_PASSPHRASE ?? (await Passphrase.read({ purpose: 'Wallet passphrase' }))
  return unlockCompanion(home, passphrase)
}

/** How long a running companion may take to answer; an unlock derives the file's key (scrypt) first. */
const answerTimeoutMs = 10_000

async function ask<T>(home: string, message: ClientRequest): Promise<T> {
  try {
    return await once<T>(Home.paths(home).socket, message, answerTimeoutMs)
  } catch (error) {
    if (error instanceof CompanionUnavailableError) {
      throw new CompanionUnavailableError(
        'No Allowance companion is running: start it (`npm start`, or `allowance start`) and try again. The passphrase is kept only in its memory.',
      )
    }
    throw error
  }
}
