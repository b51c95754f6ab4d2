import { randomBytes } from 'node:crypto'

export const recipient = '0x70997970c51812dC3a010c7d01b50E677c4f79C8'
/** pathUSD on Tempo's Moderato testnet: in the seed registry, 6 decimals, USD-pegged. */
export const pathUsd = '0x20c0000000000000000000000000000000000000'

/** A well-formed tempo charge challenge as an mppx server would send it over MCP. */
export function tempoCharge(overrides: { amount?: string; id?: string; expires?: string; realm?: string; request?: Record<string, unknown> } = {}) {
  return {
    id: overrides.id ?? randomBytes(16).toString('base64url'),
    realm: overrides.realm ?? 'tools.example.com',
    method: 'tempo',
    intent: 'charge',
    request: { amount: overrides.amount ?? '10000', currency: pathUsd, recipient, methodDetails: { chainId: 42431 }, ...overrides.request },
    expires: overrides.expires ?? new Date(Date.now() + 5 * 60_000).toISOString(),
    description: 'a test call',
  }
}

/** USDC on Base in the seed registry: 6 decimals, USD-pegged, with its EIP-712 domain. */
export const baseUsdc = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913'

/** A well-formed evm charge (EIP-3009 authorization): a companion with a wallet signs it without a node. */
export function evmCharge(overrides: { amount?: string; id?: string } = {}) {
  return {
    id: overrides.id ?? randomBytes(16).toString('base64url'),
    realm: 'tools.example.com',
    method: 'evm',
    intent: 'charge',
    request: { amount: overrides.amount ?? '10000', currency: baseUsdc, recipient, methodDetails: { chainId: 8453, credentialTypes: ['authorization'], decimals: 6 } },
    expires: new Date(Date.now() + 5 * 60_000).toISOString(),
    description: 'a test call',
  }
}
