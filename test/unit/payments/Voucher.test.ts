import { SessionLegacy } from 'mppx/tempo'
import { createClient, http, recoverTypedDataAddress } from 'viem'
import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
import { expect, test } from 'vitest'
import * as Channel from '../../../main/payments/methods/tempo/Channel.js'

const target = { rpcUrl: 'http://127.0.0.1:9', chainId: 1337, escrow: '0x1111111111111111111111111111111111111111', token: '0x20c0000000000000000000000000000000000000' } as const
const channelId = `0x${'ab'.repeat(32)}` as const

test("a voucher is mppx's own signature, byte for byte, and recovers to the wallet over the escrow's domain", async () => {
  const account = privateKeyToAccount(generatePrivateKey())
  const unused = createClient({ transport: http(target.rpcUrl) }) // mppx signs local accounts without the node
  for (const cumulative of [1n, 10_000n, 2n ** 128n - 1n]) {
    const ours = await Channel.voucher({ target, account, channelId, cumulative })
    const mppx = await SessionLegacy.Session.Voucher.signVoucher(unused, account, { channelId, cumulativeAmount: cumulative }, target.escrow, target.chainId)
    expect(ours).toBe(mppx)
    const signer = await recoverTypedDataAddress({
      domain: { name: 'Tempo Stream Channel', version: '1', chainId: target.chainId, verifyingContract: target.escrow },
      types: { Voucher: [{ name: 'channelId', type: 'bytes32' }, { name: 'cumulativeAmount', type: 'uint128' }] },
      primaryType: 'Voucher',
      message: { channelId, cumulativeAmount: cumulative },
      signature: ours,
    })
    expect(signer).toBe(account.address)
  }
})

test('a cumulative amount beyond uint128 is refused, not signed', async () => {
  const account = privateKeyToAccount(generatePrivateKey())
  await expect(Channel.voucher({ target, account, channelId, cumulative: 2n ** 128n })).rejects.toThrow()
})
