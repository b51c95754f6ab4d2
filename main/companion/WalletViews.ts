import * as Chains from '../payments/Chains.js'
import type { Balance, WalletView } from '../uiapi/Contract.js'
import * as Balances from '../wallet/Balances.js'
import * as Card from '../wallet/Card.js'
import * as Wallet from '../wallet/Wallet.js'
import type * as WalletKey from './WalletKey.js'

/**
 * The Wallet screen as plain JSON (its shapes are in uiapi/Contract.ts): the wallet's address
 * (never its key), where the key is kept, the card's public description, and balances per token
 * and chain.
 */
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

export function balances(read: readonly Balances.Balance[]): Balance[] {
  return read.map((balance) => ({
    chainId: balance.chainId,
    chain: Chains.name(balance.chainId),
    symbol: balance.symbol,
    testnet: balance.testnet,
    ...('error' in balance ? { amount: null, error: balance.error } : { amount: `${balance.formatted} ${balance.symbol}`, error: null }),
  }))
}
