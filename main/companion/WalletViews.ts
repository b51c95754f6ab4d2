import * as Chains from '../payments/Chains.js'
import * as Balances from '../wallet/Balances.js'
import * as Card from '../wallet/Card.js'
import * as Wallet from '../wallet/Wallet.js'
import type * as WalletKey from './WalletKey.js'

/**
 * The Wallet screen as plain JSON: the wallet's address (never its key), where the key is kept,
 * the card's public description, and balances per token and chain.
 */
export type WalletView = {
  address: string | null
  /** "the OS keychain" or "an encrypted keystore file". */
  keyStore: string | null
  /** Where the key is: a file can be locked and unlocked with its passphrase; the keychain cannot. */
  store: 'keychain' | 'file' | null
  /** The key is in a file that no passphrase opens in this run: payments by wallet cannot be signed. */
  locked: boolean
  /** "visa •••• 4242 (pm_…, test mode)". */
  card: { label: string; mode: 'test' | 'live' } | null
}

export function wallet(home: string, key: WalletKey.State | undefined): WalletView {
  const card = Card.info(home)
  return {
    address: key?.address ?? null,
    keyStore: key ? Wallet.where(key) : null,
    store: key?.store ?? null,
    locked: key?.locked ?? false,
    card: card ? { label: Card.label(card), mode: card.mode } : null,
  }
}

export type Balance = {
  chainId: number
  /** "Base Sepolia", "Chain 31337". */
  chain: string
  symbol: string
  testnet: boolean
  /** "12.5 USDC"; null when the chain did not answer. */
  amount: string | null
  /** Why the chain did not answer (unreachable RPC, say). */
  error: string | null
}

export function balances(read: readonly Balances.Balance[]): Balance[] {
  return read.map((balance) => ({
    chainId: balance.chainId,
    chain: Chains.name(balance.chainId),
    symbol: balance.symbol,
    testnet: balance.testnet,
    ...('error' in balance ? { amount: null, error: balance.error } : { amount: `${balance.formatted} ${balance.symbol}`, error: null }),
  }))
}
