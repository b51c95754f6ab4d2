import type { Chain } from 'viem'
import { arbitrum, base, baseSepolia, foundry, mainnet, optimism, polygon, sepolia, tempo, tempoLocalnet, tempoModerato } from 'viem/chains'

/**
 * Names and block explorers of the chains the token registry seeds, from viem's chain list, so a
 * payment's transaction can be looked up, plus the local chains of development and the demo
 * (anvil, a local Tempo node), which have no explorer.
 */
const known = new Map<number, { name: string; explorer?: string | undefined }>([
  ...[mainnet, optimism, polygon, base, arbitrum, baseSepolia, sepolia, tempo, tempoModerato].map(
    (chain) => [chain.id, { name: chain.name, explorer: chain.blockExplorers?.default.url }] as const,
  ),
  [foundry.id, { name: 'Local test chain' }],
  [tempoLocalnet.id, { name: 'Local Tempo test chain' }],
])

/**
 * "Base Sepolia", "Local test chain" (anvil), or "Chain 123" for a chain this list does not know.
 *
 * @example
 * ```ts
 * import * as Chains from './Chains.js'
 *
 * Chains.name(84532) // 'Base Sepolia'
 * Chains.name(123) // 'Chain 123'
 * ```
 */
export function name(chainId: number): string {
  return known.get(chainId)?.name ?? `Chain ${chainId}`
}

/** "Base (chain 8453)", for sentences that must give the id settings.json uses too; "chain 123" for a chain this list does not know. */
export function withId(chainId: number): string {
  const chain = known.get(chainId)
  return chain ? `${chain.name} (chain ${chainId})` : `chain ${chainId}`
}

/**
 * The explorer's page of a transaction, when the chain has a known explorer and the reference is a transaction hash.
 *
 * @example
 * ```ts
 * import * as Chains from './Chains.js'
 *
 * Chains.transactionUrl(8453, `0x${'ab'.repeat(32)}`) // 'https://basescan.org/tx/0xabab…'
 * Chains.transactionUrl(31337, `0x${'ab'.repeat(32)}`) // null: a local chain has no explorer
 * ```
 */
export function transactionUrl(chainId: number, reference: string): string | null {
  const explorer = known.get(chainId)?.explorer
  return explorer && /^0x[0-9a-fA-F]{64}$/.test(reference) ? `${explorer}/tx/${reference}` : null
}

/**
 * The JSON-RPC endpoint for a chain: the user's (settings.json `rpc`), else a public one Allowance knows (Tempo's).
 *
 * @example
 * ```ts
 * import * as Chains from './Chains.js'
 *
 * Chains.rpcUrlFor(84532, { 84532: 'http://127.0.0.1:8545' }) // 'http://127.0.0.1:8545'
 * Chains.rpcUrlFor(84532, {}) // undefined: Allowance knows no public endpoint for it
 * ```
 */
export function rpcUrlFor(chainId: number, rpc: Readonly<Record<string, string>>): string | undefined {
  return rpc[String(chainId)] ?? withRpc[chainId]?.rpcUrls.default.http[0]
}

/** Chains whose public RPC endpoint Allowance may use without the user naming one. */
export const withRpc: Readonly<Record<number, Chain>> = { [tempo.id]: tempo, [tempoModerato.id]: tempoModerato, [tempoLocalnet.id]: tempoLocalnet }
