import { createPublicClient, erc20Abi, http } from 'viem'
import * as Amount from '../payments/Amount.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'

export type Balance = { chainId: number; symbol: string; address: string; testnet: boolean; atomic: bigint; formatted: string } | { chainId: number; symbol: string; testnet: boolean; error: string }

/**
 * The wallet's balance of every registry token on the chains that have an RPC endpoint
 * configured; a chain that does not answer is reported, not fatal.
 */
export async function read(address: `0x${string}`, registry: TokenRegistry.Registry, rpc: Readonly<Record<string, string>>): Promise<Balance[]> {
  const tokens = registry.entries.filter((entry): entry is TokenRegistry.Token => entry.kind === 'token' && rpc[String(entry.chainId)] !== undefined)
  return Promise.all(
    tokens.map(async (token): Promise<Balance> => {
      const client = createPublicClient({ transport: http(rpc[String(token.chainId)], { timeout: 5000, retryCount: 0 }) })
      try {
        const atomic = await client.readContract({ address: token.address as `0x${string}`, abi: erc20Abi, functionName: 'balanceOf', args: [address] })
        return { chainId: token.chainId, symbol: token.symbol, address: token.address, testnet: token.testnet, atomic, formatted: Amount.format(atomic, token.decimals) }
      } catch (error) {
        return { chainId: token.chainId, symbol: token.symbol, testnet: token.testnet, error: (error as Error).message.split('\n')[0]! }
      }
    }),
  )
}

/** The wallet's balance of one token through `rpcUrl`; throws when the node does not answer within `timeoutMs`. */
export async function one(address: `0x${string}`, token: TokenRegistry.Token, rpcUrl: string, timeoutMs = 5000): Promise<bigint> {
  const client = createPublicClient({ transport: http(rpcUrl, { timeout: timeoutMs, retryCount: 0 }) })
  return client.readContract({ address: token.address as `0x${string}`, abi: erc20Abi, functionName: 'balanceOf', args: [address] })
}
