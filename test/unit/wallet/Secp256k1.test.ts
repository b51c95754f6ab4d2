import { keccak256, recoverAddress, toHex } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { expect, test } from 'vitest'
import * as Secp256k1 from '../../../main/wallet/Secp256k1.js'

test("signs every hash exactly as viem's account does, for many keys, and the signature recovers the wallet's address", async () => {
  for (let k = 0; k < 8; k++) {
    const key = generatePrivateKey()
    const viemAccount = privateKeyToAccount(key)
    const account = Secp256k1.withFastSignatures(viemAccount, key)
    expect(account.address).toBe(viemAccount.address)
    for (let i = 0; i < 64; i++) {
      const hash = keccak256(toHex(`payment ${k}.${i}`))
      const signature = await account.sign!({ hash })
      expect(signature).toBe(await viemAccount.sign({ hash }))
      if (i < 4) expect(await recoverAddress({ hash, signature })).toBe(viemAccount.address)
    }
  }
})

test('everything else is the account as viem made it', async () => {
  const key = generatePrivateKey()
  const viemAccount = privateKeyToAccount(key)
  const account = Secp256k1.withFastSignatures(viemAccount, key)
  expect(await account.signMessage({ message: 'hello' })).toBe(await viemAccount.signMessage({ message: 'hello' }))
  expect(account.publicKey).toBe(viemAccount.publicKey)
  expect(account.source).toBe('privateKey')
})

test('refuses a hash that is not 32 bytes, signing nothing', async () => {
  const key = generatePrivateKey()
  const account = Secp256k1.withFastSignatures(privateKeyToAccount(key), key)
  await expect(account.sign!({ hash: '0x1234' })).rejects.toThrow(/hash/i)
})
