import { createPublicClient, createWalletClient, defineChain, http, nonceManager, parseAbi, type Address, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { evm } from 'mppx/server'

/**
 * A seller's `evm` charge on a local chain: mppx verifies the payer's EIP-3009 authorization, and a
 * gas-funded relayer submits `transferWithAuthorization`, as a real seller's facilitator would.
 */
export function create(options: Options) {
  const { rpcUrl, chainId, token, recipient } = options
  const chain = defineChain({ id: chainId, name: 'Anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } })
  const relayer = privateKeyToAccount(options.relayerKey, { nonceManager })
  const wallet = createWalletClient({ chain, account: relayer, transport: http(rpcUrl) })
  const client = createPublicClient({ chain, transport: http(rpcUrl) })
  const method = evm.charge({
    currency: token,
    recipient,
    chainId,
    decimals: 6,
    authorization: { name: 'USD Coin', version: '2' },
    async settle({ payload }) {
      const args = [payload.from as Address, payload.to as Address, BigInt(payload.value), BigInt(payload.validAfter), BigInt(payload.validBefore), payload.nonce as Hex, payload.signature as Hex] as const
      const transfer = () => wallet.writeContract({ address: token, abi, functionName: 'transferWithAuthorization', args })
      // `background` answers first and moves the money just after, as sellers that settle in batches
      // do; the chain still shows every payment, found by the authorization's nonce.
      if (options.settle === 'background') {
        setImmediate(() => transfer().catch((error: Error) => options.onBackgroundFailure?.(error)))
        return { reference: payload.nonce as Hex }
      }
      const hash = await transfer()
      const receipt = await client.waitForTransactionReceipt({ hash })
      if (receipt.status !== 'success') throw new Error(`transferWithAuthorization reverted in ${hash}`)
      return { reference: hash }
    },
  })
  // evm.charge carries its own HTTP transport, which Mppx.create would prefer over MCP (env.md §5.4).
  return { ...method, transport: undefined }
}

export type Options = {
  rpcUrl: string
  chainId: number
  /** The EIP-3009 token (the demo's TestUSDC). */
  token: Address
  recipient: Address
  /** The gas-funded key that submits settlements. */
  relayerKey: Hex
  settle?: 'wait' | 'background'
  onBackgroundFailure?: (error: Error) => void
}

const abi = parseAbi([
  'function transferWithAuthorization(address from, address to, uint256 value, uint256 validAfter, uint256 validBefore, bytes32 nonce, bytes signature)',
])
