import { spawn, type ChildProcess } from 'node:child_process'
import { createRequire } from 'node:module'
import { sep } from 'node:path'
import {
  createPublicClient,
  createWalletClient,
  defineChain,
  getAddress,
  http,
  parseAbi,
  type Abi,
  type Address,
  type Chain,
  type Hex,
  type PublicClient,
} from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { tempoLocalnet } from 'viem/chains'
import escrowArtifact from './contracts/TempoStreamChannel.json' with { type: 'json' }
import artifact from './contracts/TestUSDC.json' with { type: 'json' }

/**
 * A throw-away local chain for the demo and the tests: anvil (from the npm package
 * `@foundry-rs/anvil`) on 127.0.0.1, with the demo stablecoin TestUSDC ("USD Coin" version "2",
 * 6 decimals, EIP-3009) deployed and minted. The `tempo` variant is anvil's Tempo mode, whose
 * TIP-20 stablecoins (pathUSD…) exist from the start; it also gets the stream-channel escrow that
 * tempo sessions use (anvil lacks the TIP-1034 escrow precompile; see scripts/compile-stream-channel.mjs).
 */
export type Variant = 'evm' | 'tempo'

/** Keys of anvil's public dev accounts (mnemonic "test test … junk"): #0 relays, #1 is paid. */
export const devKeys = {
  relayer: '0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80',
  recipient: '0x59c6995e998f97a5a0044966f0945389dc9e86dae88c7a8412f4603b6b78690d',
} as const satisfies Record<string, Hex>

export const tokenAbi = parseAbi(['function mint(address to, uint256 value)', 'function balanceOf(address owner) view returns (uint256)'])

export type LocalChain = {
  variant: Variant
  rpcUrl: string
  chainId: number
  chain: Chain
  client: PublicClient
  /** The deployed TestUSDC. */
  token: Address
  /** `tempo` only: the deployed session escrow contract. */
  escrow?: Address | undefined
  process: ChildProcess
}

export async function start(parameters: start.Parameters): Promise<LocalChain> {
  const { variant = 'evm', port, mint = [] } = parameters
  const rpcUrl = `http://127.0.0.1:${port}`
  const tempoArgs = variant === 'tempo' ? ['--network', 'tempo', '--hardfork', 't3', '--chain-id', '1337'] : []
  const args = ['--host', '127.0.0.1', '--port', String(port), '--silent', ...tempoArgs]
  const child = (parameters.spawn ?? ((command, argv) => spawn(command, argv, { stdio: ['ignore', 'ignore', 'pipe'] })))(anvilBinary(), args)
  try {
    const chainId = await waitForChain(rpcUrl, child)
    const chain: Chain = variant === 'tempo' ? { ...tempoLocalnet, rpcUrls: { default: { http: [rpcUrl] } } } : anvilChain(chainId, rpcUrl)
    const client = createPublicClient({ chain, transport: http(rpcUrl) })
    const token = await deployToken(chain, client, rpcUrl, mint)
    const escrow = variant === 'tempo' ? await deploy(chain, client, rpcUrl, escrowArtifact) : undefined
    return { variant, rpcUrl, chainId, chain, client, token, ...(escrow && { escrow }), process: child }
  } catch (error) {
    child.kill()
    throw error
  }
}

export declare namespace start {
  type Parameters = {
    variant?: Variant | undefined
    port: number
    /** Who gets how much TestUSDC, in atomic units. */
    mint?: readonly { to: Address; amount: bigint }[]
    /** Starts the anvil process (tests pass their own, to stop it with the rest). */
    spawn?: ((command: string, args: string[]) => ChildProcess) | undefined
  }
}

/**
 * The anvil binary npm installed for this machine: each platform's package (see {@link anvilPackage})
 * is an optional dependency, and npm installs only the one whose os and cpu match. In the packaged
 * app it sits unpacked beside the asar archive, where it can be executed.
 */
function anvilBinary(): string {
  const name = anvilPackage(process.platform, process.arch)
  try {
    const path = createRequire(import.meta.url).resolve(`${name}/bin/${process.platform === 'win32' ? 'anvil.exe' : 'anvil'}`)
    return path.replace(`app.asar${sep}`, `app.asar.unpacked${sep}`)
  } catch {
    throw new Error(`The demo's local chain (anvil) is not installed for ${process.platform}-${process.arch}: run \`npm ci\` again (${name} is one of its optional dependencies).`)
  }
}

/** The npm package holding anvil for a platform and CPU, as Node names them (`darwin`, `x64`…). */
export function anvilPackage(platform: NodeJS.Platform, cpu: string): string {
  return `@foundry-rs/anvil-${platform}-${cpu === 'x64' ? 'amd64' : cpu}`
}

async function deployToken(chain: Chain, client: PublicClient, rpcUrl: string, mint: start.Parameters['mint'] = []): Promise<Address> {
  const wallet = createWalletClient({ chain, account: privateKeyToAccount(devKeys.relayer), transport: http(rpcUrl) })
  const contractAddress = await deploy(chain, client, rpcUrl, artifact)
  for (const { to, amount } of mint) {
    const hash = await wallet.writeContract({ address: contractAddress, abi: tokenAbi, functionName: 'mint', args: [to, amount] })
    await client.waitForTransactionReceipt({ hash })
  }
  return contractAddress
}

/** Deploys a compiled contract from the relayer account (dev account #0). */
async function deploy(chain: Chain, client: PublicClient, rpcUrl: string, compiled: { abi: unknown; bytecode: string }): Promise<Address> {
  const wallet = createWalletClient({ chain, account: privateKeyToAccount(devKeys.relayer), transport: http(rpcUrl) })
  const hash = await wallet.deployContract({ abi: compiled.abi as Abi, bytecode: compiled.bytecode as Hex })
  const { contractAddress } = await client.waitForTransactionReceipt({ hash })
  if (!contractAddress) throw new Error('a contract deployment produced no contract address')
  return getAddress(contractAddress)
}

/** Polls `eth_chainId` until anvil answers; returns the chain id. */
async function waitForChain(rpcUrl: string, child: ChildProcess, timeoutMs = 10_000): Promise<number> {
  const deadline = Date.now() + timeoutMs
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`anvil exited with code ${child.exitCode}`)
    try {
      const response = await fetch(rpcUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json' },
        body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'eth_chainId', params: [] }),
        signal: AbortSignal.timeout(1000),
      })
      const { result } = (await response.json()) as { result: Hex }
      return Number(result)
    } catch {
      await new Promise((resolve) => setTimeout(resolve, 50))
    }
  }
  throw new Error(`anvil did not answer on ${rpcUrl} within ${timeoutMs} ms`)
}

function anvilChain(id: number, rpcUrl: string): Chain {
  return defineChain({ id, name: 'Anvil', nativeCurrency: { name: 'Ether', symbol: 'ETH', decimals: 18 }, rpcUrls: { default: { http: [rpcUrl] } } })
}

/** TestUSDC as a registry entry for `settings.json`, so the companion prices and signs it. */
export function tokenEntry(chain: { chainId: number; token: Address }) {
  return { method: 'evm', chainId: chain.chainId, address: chain.token, symbol: 'USDC', decimals: 6, usdPegged: true, testnet: true, eip712: { name: 'USD Coin', version: '2' } } as const
}
