// The evm charge's signer: mppx's client for a set of terms is built once and used again, and each
// credential still commits to exactly the payment it was approved for, signed by its own account.
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, test } from 'vitest'
import * as Challenge from '../../../main/payments/Challenge.js'
import * as Signer from '../../../main/payments/Signer.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import * as challenges from './challenges.js'

const now = new Date()
const registry = TokenRegistry.create()
const payer = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')
const other = privateKeyToAccount('0x7c852118294e51e653712a81e05800f419141751be58f605c371e15141b007a6')

/** Signs `challenge` as the companion would after approving `approved` (the same challenge, unless a server changed it). */
async function sign(challenge: unknown, approved: unknown = challenge, account = payer) {
  const result = Challenge.validate(approved, { now, registry })
  if (!result.ok) throw new Error(result.message)
  const { credential } = await Signer.sign({ challenge, payment: result.payment, account })
  return credential.payload as { from: string; to: string; value: string; nonce: string; signature: string }
}

describe('signing evm charges one after another', () => {
  test('each authorization is for its own payment: amount, nonce and signer', async () => {
    const first = await sign(challenges.evm(now, { amount: '10000' }))
    const second = await sign(challenges.evm(now, { amount: '20000' }))
    const third = await sign(challenges.evm(now, { amount: '10000' }))
    const fromOther = await sign(challenges.evm(now, { amount: '10000' }), undefined, other)
    expect([first.value, second.value, third.value, fromOther.value]).toEqual(['10000', '20000', '10000', '10000'])
    expect(new Set([first.nonce, second.nonce, third.nonce, fromOther.nonce]).size).toBe(4)
    expect([first.from, third.from, fromOther.from]).toEqual([payer.address, payer.address, other.address])
    expect(first.to).toBe(challenges.recipient)
  })

  test('a challenge asking more than was approved is refused, also once a client for the higher amount exists', async () => {
    const approved = challenges.evm(now, { amount: '10000' })
    const dearer = { ...challenges.evm(now, { amount: '20000' }), id: approved.id }
    await expect(sign(dearer, approved)).rejects.toThrow(/maxAtomicAmount/)
    expect((await sign(challenges.evm(now, { amount: '20000' }))).value).toBe('20000')
    await expect(sign(dearer, approved)).rejects.toThrow(/maxAtomicAmount/)
  })
})
