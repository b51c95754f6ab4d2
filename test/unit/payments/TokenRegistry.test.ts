import { describe, expect, test } from 'vitest'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'

const registry = TokenRegistry.create()

describe('seed', () => {
  test('knows Tempo mainnet USDC.e and the Moderato test tokens, all 6 decimals and USD-pegged', () => {
    const usdce = registry.lookup({ method: 'tempo', chainId: 4217, currency: '0x20C000000000000000000000b9537d11c60E8b50' })
    expect(usdce).toMatchObject({ kind: 'token', symbol: 'USDC.e', decimals: 6, usdPegged: true, testnet: false })
    for (const [suffix, symbol] of [['0', 'pathUSD'], ['1', 'AlphaUSD'], ['2', 'BetaUSD'], ['3', 'ThetaUSD']]) {
      const currency = `0x20c000000000000000000000000000000000000${suffix}`
      expect(registry.lookup({ method: 'tempo', chainId: 42431, currency })).toMatchObject({ symbol, decimals: 6, testnet: true })
      expect(registry.lookup({ method: 'tempo', chainId: 1337, currency })).toMatchObject({ symbol, testnet: true })
    }
  })

  test('knows USDC on common EVM chains with its EIP-712 domain', () => {
    expect(registry.lookup({ method: 'evm', chainId: 8453, currency: '0x833589fcd6edb6e08f4c7c32d4f71b54bda02913' })).toMatchObject({
      symbol: 'USDC',
      eip712: { name: 'USD Coin', version: '2' },
    })
    expect(registry.lookup({ method: 'evm', chainId: 84532, currency: '0x036CbD53842c5426634e7929541eC2318f3dCF7e' })).toMatchObject({
      eip712: { name: 'USDC', version: '2' },
      testnet: true,
    })
    for (const chainId of [1, 10, 137, 42161, 11155111]) {
      expect(registry.entries.some((entry) => entry.kind === 'token' && entry.chainId === chainId && entry.symbol === 'USDC')).toBe(true)
    }
  })

  test('compares addresses as 20-byte values, and a token is only known under its own method and chain', () => {
    const upper = '0x20C000000000000000000000B9537D11C60E8B50'
    expect(registry.lookup({ method: 'tempo', chainId: 4217, currency: upper })?.symbol).toBe('USDC.e')
    expect(registry.lookup({ method: 'tempo', chainId: 42431, currency: upper })).toBeUndefined()
    expect(registry.lookup({ method: 'evm', chainId: 4217, currency: upper })).toBeUndefined()
    expect(registry.lookup({ method: 'tempo', currency: upper })).toBeUndefined()
  })

  test('ISO currencies for Stripe, case-insensitive, in ISO minor units', () => {
    expect(registry.lookup({ method: 'stripe', currency: 'USD' })).toMatchObject({ kind: 'iso', key: 'iso:usd', decimals: 2, usdPegged: true })
    expect(registry.lookup({ method: 'stripe', currency: 'jpy' })).toMatchObject({ decimals: 0, usdPegged: false })
    expect(registry.lookup({ method: 'stripe', currency: 'xyz' })).toBeUndefined()
    expect(registry.lookup({ method: 'tempo', currency: 'usd', chainId: 4217 })).toBeUndefined()
  })
})

describe('user tokens', () => {
  test('a local anvil token added from settings is looked up like a seed token', () => {
    const mine = TokenRegistry.create({
      tokens: [{ method: 'evm', chainId: 31337, address: '0x5fbdb2315678afecb367f032d93f642f64180aa3', symbol: 'TUSD', decimals: 6, usdPegged: true, testnet: true, eip712: { name: 'USDC', version: '2' } }],
    })
    const token = mine.lookup({ method: 'evm', chainId: 31337, currency: '0x5FbDB2315678afecb367f032d93F642f64180aa3' })
    expect(token).toMatchObject({ symbol: 'TUSD', address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', key: '31337:0x5fbdb2315678afecb367f032d93f642f64180aa3' })
    expect(TokenRegistry.budgetUnit(token!)).toBe('usd')
    expect(registry.lookup({ method: 'evm', chainId: 31337, currency: '0x5FbDB2315678afecb367f032d93F642f64180aa3' })).toBeUndefined()
  })

  test('a malformed user token is refused with a clear error', () => {
    const base = { method: 'evm' as const, chainId: 31337, address: '0x5fbdb2315678afecb367f032d93f642f64180aa3', symbol: 'T', decimals: 6, usdPegged: false, testnet: true }
    expect(() => TokenRegistry.create({ tokens: [{ ...base, address: '0x1234' }] })).toThrow(/is not an address/)
    expect(() => TokenRegistry.create({ tokens: [{ ...base, decimals: 6.5 }] })).toThrow(/decimals must be an integer/)
    expect(() => TokenRegistry.create({ tokens: [{ ...base, chainId: 0 }] })).toThrow(/chainId/)
    expect(() => TokenRegistry.create({ tokens: [{ ...base, symbol: '<script>' }] })).toThrow(/symbol/)
  })

  test('a non-pegged token budgets in its own unit', () => {
    const mine = TokenRegistry.create({ tokens: [{ method: 'evm', chainId: 31337, address: '0x5fbdb2315678afecb367f032d93f642f64180aa3', symbol: 'WETH', decimals: 18, usdPegged: false, testnet: true }] })
    const weth = mine.lookup({ method: 'evm', chainId: 31337, currency: '0x5fbdb2315678afecb367f032d93f642f64180aa3' })!
    expect(TokenRegistry.budgetUnit(weth)).toBe('31337:0x5fbdb2315678afecb367f032d93f642f64180aa3')
  })
})
