import { expect, test } from 'vitest'
import * as Methods from '../../../main/payments/methods/Methods.js'

test('a token payment is its token on its chain, by name', () => {
  expect(Methods.describe({ method: 'evm', symbol: 'USDC', chainId: 84532 })).toBe('USDC on Base Sepolia')
  expect(Methods.describe({ method: 'evm', symbol: 'USDC', chainId: 31337 })).toBe('USDC on Local test chain')
  expect(Methods.describe({ method: 'tempo', symbol: 'pathUSD', chainId: 1337 })).toBe('pathUSD on Local Tempo test chain')
  expect(Methods.describe({ method: 'evm', symbol: 'XYZ', chainId: 999_999 })).toBe('XYZ on Chain 999999')
})

test('a card payment is the card, by its last digits when known', () => {
  expect(Methods.describe({ method: 'stripe', symbol: 'USD', chainId: null }, { last4: '4242' })).toBe('Card ending 4242')
  expect(Methods.describe({ method: 'stripe', symbol: 'USD', chainId: null })).toBe('Card')
})
