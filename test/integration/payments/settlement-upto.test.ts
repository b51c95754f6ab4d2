// x402 `upto` settlement checked on anvil: Permit2 and x402's upto proxy deployed as on public
// chains, Permit2 permits signed for the payer by @x402/evm's client, settled by the relayer (the
// facilitator the permits name) through the proxy, and servers that name another transaction or none.
import { x402UptoPermit2ProxyABI, x402UptoPermit2ProxyAddress, type ClientEvmSigner } from '@x402/evm'
import { UptoEvmScheme } from '@x402/evm/upto/client'
import { createWalletClient, http, parseAbi, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as UptoSettlement from '../../../main/payments/methods/x402/Settlement.js'
import { accounts, startChain, type LocalChain } from '../../helpers/chain.js'
import { stopAll } from '../../helpers/processes.js'
import { deployUptoContracts } from '../../helpers/x402.js'

let chain: LocalChain

beforeAll(async () => {
  chain = await startChain()
})

afterAll(() => stopAll())

/** A permit for at most `ceiling`, signed by the payer through the library, and what the check is told about it. */
async function permit(ceiling: bigint) {
  const requirements = {
    scheme: 'upto',
    network: `eip155:${chain.chainId}`,
    asset: chain.token,
    amount: ceiling.toString(),
    payTo: accounts.recipient.address,
    maxTimeoutSeconds: 60,
    extra: { facilitatorAddress: accounts.relayer.address },
  } as const
  const { payload } = await new UptoEvmScheme(accounts.payer as unknown as ClientEvmSigner).createPaymentPayload(2, requirements)
  const { permit2Authorization: signed, signature } = payload as { permit2Authorization: { nonce: string; deadline: string; witness: { validAfter: string } }; signature: Hex }
  const parameters = (reference?: string): UptoSettlement.confirmUpto.Parameters => ({
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    token: chain.token,
    payer: accounts.payer.address,
    recipient: accounts.recipient.address,
    ceiling,
    nonce: BigInt(signed.nonce),
    deadline: BigInt(signed.deadline),
    reference,
  })
  /** The facilitator settles `amount` of it through the upto proxy. */
  const settle = async (amount: bigint): Promise<Hex> => {
    const hash = await relayer().writeContract({
      address: x402UptoPermit2ProxyAddress,
      abi: x402UptoPermit2ProxyABI,
      functionName: 'settle',
      args: [
        { permitted: { token: chain.token, amount: ceiling }, nonce: BigInt(signed.nonce), deadline: BigInt(signed.deadline) },
        amount,
        accounts.payer.address,
        { to: accounts.recipient.address, facilitator: accounts.relayer.address, validAfter: BigInt(signed.witness.validAfter) },
        signature,
      ],
    })
    expect((await chain.client.waitForTransactionReceipt({ hash })).status).toBe('success')
    return hash
  }
  return { parameters, settle }
}

const relayer = () => createWalletClient({ chain: chain.viemChain, account: accounts.relayer, transport: http(chain.rpcUrl) })

it('before Permit2 exists on the chain, a permit has moved nothing and is pending, unused', async () => {
  const { parameters } = await permit(50_000n)
  expect(await UptoSettlement.confirmUpto(parameters())).toMatchObject({ status: 'pending', unused: true, problem: expect.stringMatching(/Permit2 is not deployed on chain 31337/) })
})

describe('with Permit2 and the upto proxy deployed', () => {
  beforeAll(async () => {
    await deployUptoContracts(chain)
    // As a wallet that has allowed Permit2 before: the proxy path, without an EIP-2612 permit.
    const wallet = createWalletClient({ chain: chain.viemChain, account: accounts.payer, transport: http(chain.rpcUrl) })
    const hash = await wallet.writeContract({ address: chain.token, abi: parseAbi(['function approve(address spender, uint256 value) returns (bool)']), functionName: 'approve', args: [await UptoSettlement.permit2Address(), 1_000_000n] })
    await chain.client.waitForTransactionReceipt({ hash })
  })

  it('the named settlement books what it moved, not the ceiling', async () => {
    const { parameters, settle } = await permit(50_000n)
    const hash = await settle(12_345n)
    expect(await UptoSettlement.confirmUpto(parameters(hash))).toMatchObject({ status: 'confirmed', transaction: hash, amount: 12_345n })
  })

  it('a settlement above the ceiling is refused by the chain itself: the permit stays unused', async () => {
    const { parameters, settle } = await permit(50_000n)
    await expect(settle(50_001n)).rejects.toThrow(/AmountExceedsPermitted/)
    expect(await UptoSettlement.confirmUpto(parameters())).toMatchObject({ status: 'pending', unused: true })
  })

  it('named nowhere, or as another transaction (an earlier settlement to the same recipient included), the settlement of this permit is found on chain', async () => {
    const earlier = await (await permit(50_000n)).settle(1_000n)
    const { parameters, settle } = await permit(50_000n)
    const hash = await settle(7_000n)
    for (const reference of [undefined, earlier, 'not a hash']) {
      expect(await UptoSettlement.confirmUpto(parameters(reference))).toMatchObject({ status: 'confirmed', transaction: hash, amount: 7_000n })
    }
  })

  it('an unused permit named with another settlement is a mismatch; named with nothing, it is pending until its deadline', async () => {
    const other = await (await permit(50_000n)).settle(2_000n)
    const { parameters } = await permit(50_000n)
    expect(await UptoSettlement.confirmUpto(parameters(other))).toMatchObject({ status: 'mismatch', problem: expect.stringMatching(/does not settle this permit, and the permit for at most 50000 atomic units .* has not been used on chain/) })
    expect(await UptoSettlement.confirmUpto(parameters())).toMatchObject({ status: 'pending', unused: true })
  })
})
