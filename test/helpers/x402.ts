// The x402 MCP test server (dist/fixtures/servers/x402Server.js) on a local chain, and a rig around
// it: anvil, the server with its local facilitator, a companion with the payer's key in the OS
// keychain, and an agent host that launched the built bridge against the server.
import { concatHex, createWalletClient, http, type Address, type Hex } from 'viem'
import contracts from '../fixtures/contracts/UptoContracts.json' with { type: 'json' }
import { accounts, keys, type LocalChain } from './chain.js'
import { startPayingRig, type PayingRig } from './payingRig.js'
import { startFixtureServer, stop } from './processes.js'

export type X402ServerStats = {
  required: Record<string, number>
  /** Every x402 payload the server received, and what it was signed for. */
  payloads: { target: string; scheme: string; payTo: string; network: string }[]
  /** MPP credentials received (dual_search). */
  credentials: number
  settled: Record<string, number>
  transactions: string[]
  failed: number
}

export type X402Server = {
  url: string
  port: number
  stats(): Promise<X402ServerStats>
  /**
   * The next `count` (1) priced calls with a payload (`paid`) or without answer a PaymentRequired
   * with `patch` merged into its accepts entries, and `extensions` (null: none) for its own; nothing settles.
   */
  offer(options: { patch?: Record<string, unknown>; count?: number; paid?: boolean; extensions?: Record<string, unknown> | null }): Promise<void>
  /**
   * `fake-transaction`: the next paid call settles nothing and names a made-up transaction;
   * `lie-amount`: the next settlement response claims more than the offer; `claim-ceiling`: it
   * claims the offer's whole amount, whatever settled; `name-previous`: the next paid call settles
   * and names the previous paid call's transaction.
   */
  arm(action: 'fake-transaction' | 'lie-amount' | 'claim-ceiling' | 'name-previous'): Promise<void>
  stop(): Promise<void>
}

/**
 * Deploys Permit2 and x402's upto proxy (test/fixtures/contracts/UptoContracts.json, compiled from
 * their published sources) as they are deployed on public chains: through Arachnid's CREATE2
 * deployer, which anvil has from genesis, with their published salts. They land at the canonical
 * addresses @x402/evm names, so the library's `upto` client and facilitator use them unchanged.
 */
export async function deployUptoContracts(chain: LocalChain): Promise<void> {
  const wallet = createWalletClient({ chain: chain.viemChain, account: accounts.relayer, transport: http(chain.rpcUrl) })
  for (const { address, salt, initCode } of [contracts.Permit2, contracts.x402UptoPermit2Proxy]) {
    const hash = await wallet.sendTransaction({ to: contracts.create2Deployer as Address, data: concatHex([salt as Hex, initCode as Hex]) })
    const receipt = await chain.client.waitForTransactionReceipt({ hash })
    const code = await chain.client.getCode({ address: address as Address })
    if (receipt.status !== 'success' || !code || code === '0x') throw new Error(`deploying ${address} through the CREATE2 deployer left no code there`)
  }
}

export async function startX402Server(chain: LocalChain): Promise<X402Server> {
  const env = {
    ...process.env,
    RPC_URL: chain.rpcUrl,
    CHAIN_ID: String(chain.chainId),
    TOKEN: chain.token,
    RECIPIENT: accounts.recipient.address,
    RELAYER_KEY: keys.relayer,
    MPP_SECRET_KEY: 'x402-test-server-secret-key-of-at-least-32-bytes',
  }
  const { child, port, base } = await startFixtureServer('x402 server', 'dist/fixtures/servers/x402Server.js', { env })
  const post = (path: string, body?: unknown) => fetch(`${base}${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) }).then((response) => void response.body?.cancel())
  return {
    url: `${base}/mcp`,
    port,
    stats: () => fetch(`${base}/admin/stats`).then((response) => response.json() as Promise<X402ServerStats>),
    offer: (options) => post('/admin/offer', options),
    arm: (action) => post(`/admin/${action}`),
    stop: () => stop(child),
  }
}

export type X402Rig = PayingRig<X402Server>

/** `settings` is merged over the settings.json that teaches the registry the chain's TestUSDC and points its RPC at anvil. */
export function startX402Rig(options: { settings?: Record<string, unknown> } = {}): Promise<X402Rig> {
  return startPayingRig({
    startServer: async (chain) => {
      await deployUptoContracts(chain)
      return startX402Server(chain)
    },
    config: options.settings,
    inQuestion: ['requested', 'approved', 'signed', 'sent', 'accepted'],
    outcomeMs: 20_000,
  })
}
