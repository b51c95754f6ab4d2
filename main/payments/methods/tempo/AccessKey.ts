import { createClient, http, isAddressEqual, zeroAddress, type Address, type LocalAccount } from 'viem'
import { tempoLocalnet } from 'viem/chains'
import { Actions } from 'viem/tempo'
import * as Chains from '../../Chains.js'

/**
 * The wallet's side of a tempo subscription's access key: the server charges each period with a key
 * the wallet authorized (in Tempo's account keychain). Revoking it, from the wallet, is what stops
 * future charges on chain, whatever the server does.
 */
export type Revocation =
  /** The wallet sent `revokeKey`, and the chain took it. */
  | { status: 'revoked'; transaction: string }
  /** The key was already revoked. */
  | { status: 'already_revoked' }
  /** The chain never authorized the key (the server never activated the subscription): nothing can charge with it. */
  | { status: 'never_authorized' }

/** Revokes `accessKey` for the wallet's `account`, if the chain knows it. Throws when the node cannot say or refuses. */
export async function revoke(parameters: revoke.Parameters): Promise<Revocation> {
  const { account, accessKey, chainId, rpcUrl } = parameters
  const chain = { ...(Chains.withRpc[chainId] ?? tempoLocalnet), id: chainId, rpcUrls: { default: { http: [rpcUrl] } } }
  const client = createClient({ chain, transport: http(rpcUrl), account })
  const key = await Actions.accessKey.getMetadata(client, { account, accessKey })
  if (isAddressEqual(key.address, zeroAddress)) return { status: 'never_authorized' }
  if (key.isRevoked) return { status: 'already_revoked' }
  const { receipt } = await Actions.accessKey.revokeSync(client, { account, accessKey })
  return { status: 'revoked', transaction: receipt.transactionHash }
}

export declare namespace revoke {
  type Parameters = { account: LocalAccount; accessKey: Address; chainId: number; rpcUrl: string }
}
