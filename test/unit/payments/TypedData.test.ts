import { hashTypedData, type TypedDataDefinition } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, test } from 'vitest'
import * as TypedData from '../../../main/payments/TypedData.js'

const account = privateKeyToAccount('0xac0974bec39a17e36ba4a6b4d238ff944bacb478cbed5efcae784d7bf4f2ff80')
const types = {
  TransferWithAuthorization: [
    { name: 'from', type: 'address' },
    { name: 'to', type: 'address' },
    { name: 'value', type: 'uint256' },
    { name: 'validAfter', type: 'uint256' },
    { name: 'validBefore', type: 'uint256' },
    { name: 'nonce', type: 'bytes32' },
  ],
} as const
const usdc = { name: 'USD Coin', version: '2', chainId: 8453, verifyingContract: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913' } as const

function authorization(value: bigint, domain: TypedDataDefinition['domain'] = usdc) {
  const message = {
    from: account.address,
    to: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
    value,
    validAfter: 0n,
    validBefore: 2_000_000_000n,
    nonce: `0x${value.toString(16).padStart(64, '0')}`,
  } as const
  return { domain, types, primaryType: 'TransferWithAuthorization', message } as const
}

describe('hash', () => {
  test("is viem's hashTypedData, for every message of a domain and for other domains", () => {
    const domains = [usdc, { ...usdc, chainId: 1 }, { ...usdc, chainId: 8453n }, { name: 'USDC', version: '2' }, {}]
    for (const domain of domains) {
      for (const value of [1n, 10_000n, 2n ** 255n]) expect(TypedData.hash(authorization(value, domain))).toBe(hashTypedData(authorization(value, domain)))
    }
  })

  test('validates the message as viem does', () => {
    const bad = { ...authorization(1n), message: { ...authorization(1n).message, to: '0x1234' } }
    expect(() => TypedData.hash(bad as never)).toThrow(/Address "0x1234" is invalid/)
  })
})

describe('signer', () => {
  test("signs typed data exactly as the account does, and the rest through the account's own methods", async () => {
    const signer = TypedData.signer(account)
    expect(signer.address).toBe(account.address)
    for (const value of [1n, 10_000n]) expect(await signer.signTypedData(authorization(value))).toBe(await account.signTypedData(authorization(value)))
    expect(await signer.signMessage({ message: 'hello' })).toBe(await account.signMessage({ message: 'hello' }))
  })
})
