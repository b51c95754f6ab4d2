import type * as Channels from '../ledger/Channels.js'
import type { Database } from '../ledger/Database.js'
import * as Warnings from '../ledger/Warnings.js'
import * as Amount from '../payments/Amount.js'
import * as Chains from '../payments/Chains.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import type { Balance, ChannelView, WalletView, WalletWarning } from '../uiapi/Contract.js'
import * as Balances from '../wallet/Balances.js'
import * as Card from '../wallet/Card.js'
import * as Wallet from '../wallet/Wallet.js'
import type * as Funds from './Funds.js'
import type * as WalletKey from './WalletKey.js'

/**
 * The Wallet screen as plain JSON (its shapes are in uiapi/Contract.ts): the wallet's address
 * (never its key), where the key is kept, the card's public description, balances per token
 * and chain, and the warnings about money running out with each token's warning level.
 */
export function wallet(home: string, key: WalletKey.State | undefined, watch: { db: Database; funds: Funds.Funds }): WalletView {
  const card = Card.info(home)
  return {
    address: key?.address ?? null,
    keyStore: key ? Wallet.where(key) : null,
    store: key?.store ?? null,
    locked: key?.locked ?? false,
    card: card ? { label: Card.label(card), mode: card.mode } : null,
    warnings: Warnings.active(watch.db).map(
      (warning): WalletWarning => ({
        kind: warning.kind,
        title: warning.title,
        body: warning.body,
        action: warning.action,
        address: typeof warning.data?.address === 'string' ? warning.data.address : null,
        since: warning.createdAt,
      }),
    ),
    thresholds: watch.funds.thresholds().map(({ token, amount, byDefault }) => ({
      currency: token.key,
      token: `${token.symbol} on ${Chains.name(token.chainId)}`,
      amount: amount === undefined || amount === 0n ? null : Amount.formatWithSymbol(amount, token),
      byDefault,
      decimals: token.decimals,
    })),
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

/** A session channel as the Wallet screen lists it: amounts in the registry's token, never the server's words. */
export function channel(channel: Channels.Channel, registry: TokenRegistry.Registry): ChannelView {
  const token = registry.lookup({ method: 'tempo', currency: channel.token, chainId: channel.chainId }) ?? { symbol: 'units', decimals: 0 }
  const amount = (atomic: bigint) => Amount.formatWithSymbol(atomic, token)
  const refundable = channel.refund ?? channel.deposit - channel.cumulative
  return {
    id: channel.id,
    server: channel.upstream,
    state: channel.state,
    token: `${token.symbol} on ${Chains.name(channel.chainId)}`,
    deposited: amount(channel.deposit),
    used: amount(channel.settled ?? channel.cumulative),
    refundable: amount(refundable),
    expiresAt: channel.expiresAt,
    closeTransaction: channel.state === 'closed' ? channel.closeTransaction : null,
  }
}
