import { getAddress, isAddress } from 'viem/utils'
import type * as Methods from './methods/Methods.js'

/**
 * The companion's own list of currencies it can price. Symbols and decimals shown to the user and
 * counted against budgets come from here, never from the server that asks to be paid.
 */

/** An ERC-20 (`evm` method) or TIP-20 (`tempo` method) token on one chain. */
export type Token = {
  kind: 'token'
  /** `"<chainId>:<lowercase address>"`: how the ledger, rules and budgets name this currency. */
  key: string
  method: Extract<Method, 'evm' | 'tempo'>
  chainId: number
  /** EIP-55 checksummed. Compare with {@link sameAddress}, never as strings. */
  address: string
  symbol: string
  decimals: number
  usdPegged: boolean
  testnet: boolean
  /** The token's EIP-712 domain, needed to sign EIP-3009 authorizations (`evm`). */
  eip712?: { name: string; version: string } | undefined
}

/** An ISO 4217 currency for Stripe card charges, in ISO minor units. */
export type Iso = {
  kind: 'iso'
  /** `"iso:<lowercase code>"`. */
  key: string
  method: Extract<Method, 'stripe'>
  code: string
  symbol: string
  decimals: number
  usdPegged: boolean
}

export type Entry = Token | Iso

/** A payment method's name: methods/Methods.ts lists them. */
export type Method = Methods.Name

export type Registry = {
  readonly entries: readonly Entry[]
  /** The entry for a challenge's `currency` under `method` (and `chainId` for tokens), if known. */
  lookup(parameters: lookup.Parameters): Entry | undefined
  /** Every token with this address on any chain (to say "wrong chain" instead of "unknown"). */
  chainsOf(address: string): readonly Token[]
  /** The payment-channel escrow contract trusted on a chain (tempo sessions), if any. */
  escrow(chainId: number): string | undefined
}

export declare namespace lookup {
  type Parameters = { method: string; currency: string; chainId?: number | undefined }
}

/** A token as the user (or the seed) describes it. */
export type TokenInput = Omit<Token, 'kind' | 'key' | 'address'> & { address: string }

const tempoMainnet = 4217
const tempoModerato = 42431
const tempoLocalnet = 1337

/**
 * The stream-channel escrow contracts of tempo sessions that Allowance trusts by default: the
 * deployments mppx's legacy session client defaults to (Tempo mainnet and Moderato). A channel in
 * any other contract is refused unless settings.json names that contract for its chain.
 */
const seedEscrows: Readonly<Record<string, string>> = {
  [tempoMainnet]: '0x33b901018174DDabE4841042ab76ba85D4e24f25',
  [tempoModerato]: '0xe1c4d3dce17bc111181ddf716f75bae49e61a336',
}

const tip20 = (chainId: number, address: string, symbol: string, testnet: boolean): TokenInput => ({
  method: 'tempo',
  chainId,
  address,
  symbol,
  decimals: 6, // TIP-20 tokens always have 6 decimals
  usdPegged: true,
  testnet,
})

// Circle's FiatToken v2 signs EIP-3009 as "USD Coin" v2 on mainnets and as "USDC" v2 on its Sepolia
// deployments. Base and Base Sepolia are confirmed by mppx's `evm.assets` (x402/Assets.js);
// addresses are viem's `usdc` token list.
const usdc = (chainId: number, address: string, testnet: boolean): TokenInput => ({
  method: 'evm',
  chainId,
  address,
  symbol: 'USDC',
  decimals: 6,
  usdPegged: true,
  testnet,
  eip712: { name: testnet ? 'USDC' : 'USD Coin', version: '2' },
})

export const seedTokens: readonly TokenInput[] = [
  tip20(tempoMainnet, '0x20C000000000000000000000b9537d11c60E8b50', 'USDC.e', false),
  tip20(tempoMainnet, '0x20c0000000000000000000000000000000000000', 'pathUSD', false),
  tip20(tempoModerato, '0x20c0000000000000000000000000000000000000', 'pathUSD', true),
  tip20(tempoModerato, '0x20c0000000000000000000000000000000000001', 'AlphaUSD', true),
  tip20(tempoModerato, '0x20c0000000000000000000000000000000000002', 'BetaUSD', true),
  tip20(tempoModerato, '0x20c0000000000000000000000000000000000003', 'ThetaUSD', true),
  tip20(tempoModerato, '0x20c0000000000000000000009e8d7eb59b783726', 'USDC.e', true),
  tip20(tempoLocalnet, '0x20c0000000000000000000000000000000000000', 'pathUSD', true),
  tip20(tempoLocalnet, '0x20c0000000000000000000000000000000000001', 'AlphaUSD', true),
  tip20(tempoLocalnet, '0x20c0000000000000000000000000000000000002', 'BetaUSD', true),
  tip20(tempoLocalnet, '0x20c0000000000000000000000000000000000003', 'ThetaUSD', true),
  usdc(1, '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48', false),
  usdc(10, '0x0b2C639c533813f4Aa9D7837CAf62653d097Ff85', false),
  usdc(137, '0x3c499c542cEF5E3811e1192ce70d8cC03d5c3359', false),
  usdc(8453, '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', false),
  usdc(42161, '0xaf88d065e77c8cC2239327C5EDb3A432268e5831', false),
  usdc(84532, '0x036CbD53842c5426634e7929541eC2318f3dCF7e', true),
  usdc(11155111, '0x1c7D4B196Cb0C7B01d743Fbc6116a902379C7238', true),
]

/** ISO 4217 minor units as Stripe uses them (JPY and KRW are zero-decimal). */
export const seedIso: Readonly<Record<string, number>> = {
  usd: 2, eur: 2, gbp: 2, chf: 2, cad: 2, aud: 2, nzd: 2, sek: 2, nok: 2, dkk: 2, pln: 2,
  czk: 2, sgd: 2, hkd: 2, mxn: 2, brl: 2, inr: 2, jpy: 0, krw: 0,
}

/**
 * A registry of the seed currencies plus the user's own `tokens` (which win on a clash).
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 *
 * const registry = TokenRegistry.create({
 *   tokens: [{ method: 'evm', chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', symbol: 'USDC', decimals: 6, usdPegged: true, testnet: true }],
 * })
 * registry.lookup({ method: 'evm', chainId: 31337, currency: '0x5fbdb2315678afecb367f032d93f642f64180aa3' })?.key // '31337:0x5fbdb2315678afecb367f032d93f642f64180aa3'
 * registry.lookup({ method: 'stripe', currency: 'eur' })?.decimals // 2
 * ```
 */
export function create(parameters: create.Parameters = {}): Registry {
  const tokens = new Map<string, Token>()
  for (const input of [...seedTokens, ...(parameters.tokens ?? [])]) {
    const token = toToken(input)
    tokens.set(`${token.method}:${token.key}`, token)
  }
  const isos = Object.entries(seedIso).map(([code, decimals]): Iso => ({
    kind: 'iso',
    key: `iso:${code}`,
    method: 'stripe',
    code,
    symbol: code.toUpperCase(),
    decimals,
    usdPegged: code === 'usd',
  }))
  const entries: readonly Entry[] = [...tokens.values(), ...isos]
  const escrows: Record<string, string> = { ...seedEscrows, ...parameters.escrows }
  return {
    entries,
    lookup({ method, currency, chainId }) {
      if (method === 'stripe') return isos.find((iso) => iso.code === currency.toLowerCase())
      if (method !== 'evm' && method !== 'tempo') return undefined
      if (chainId === undefined || !isAddress(currency, { strict: false })) return undefined
      return tokens.get(`${method}:${chainId}:${currency.toLowerCase()}`)
    },
    chainsOf(address) {
      return [...tokens.values()].filter((token) => sameAddress(token.address, address))
    },
    escrow(chainId) {
      return escrows[String(chainId)]
    },
  }
}

export declare namespace create {
  type Parameters = {
    tokens?: readonly TokenInput[] | undefined
    /** Escrow contracts to trust for tempo sessions, by chain id, beside (or instead of) the seed's. */
    escrows?: Readonly<Record<string, string>> | undefined
  }
}

/** Validates a token description (from the seed or the user's settings) and normalizes it. */
export function toToken(input: TokenInput): Token {
  const where = `Token ${JSON.stringify(input.symbol)} on chain ${input.chainId}`
  if (input.method !== 'evm' && input.method !== 'tempo') throw new Error(`${where}: method must be "evm" or "tempo".`)
  if (!Number.isSafeInteger(input.chainId) || input.chainId <= 0) throw new Error(`${where}: chainId must be a positive integer.`)
  if (!isAddress(input.address, { strict: false })) throw new Error(`${where}: ${JSON.stringify(input.address)} is not an address.`)
  if (!Number.isInteger(input.decimals) || input.decimals < 0 || input.decimals > 36) {
    throw new Error(`${where}: decimals must be an integer from 0 to 36.`)
  }
  if (!/^[\p{L}\p{N}._-]{1,16}$/u.test(input.symbol)) throw new Error(`${where}: symbol must be 1–16 letters or digits.`)
  const address = getAddress(input.address)
  return { ...input, kind: 'token', key: `${input.chainId}:${address.toLowerCase()}`, address }
}

/** Compares two addresses as 20-byte values (case-insensitively). */
export function sameAddress(a: string, b: string): boolean {
  return a.toLowerCase() === b.toLowerCase()
}

/**
 * What budgets and rules count this currency in: `usd` for USD-pegged ones, else its own key.
 *
 * @example
 * ```ts
 * import * as TokenRegistry from './TokenRegistry.js'
 *
 * const registry = TokenRegistry.create()
 * const usdc = registry.lookup({ method: 'evm', chainId: 8453, currency: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' })!
 * TokenRegistry.budgetUnit(usdc) // 'usd'
 * TokenRegistry.budgetUnit(registry.lookup({ method: 'stripe', currency: 'eur' })!) // 'iso:eur'
 * ```
 */
export function budgetUnit(entry: Entry): string {
  return entry.usdPegged ? 'usd' : entry.key
}
