// EIP-3009 settlement checked on anvil: real credentials signed by Signer for the paid server's
// challenges, and servers and nodes that lie, garble or keep silent.
import { createWalletClient, http, parseAbi, type Hex } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as EvmSettlement from '../../../main/payments/methods/evm/Settlement.js'
import { accounts, startChain, startPaidServer, type LocalChain } from '../../helpers/chain.js'
import { freePort, stopAll } from '../../helpers/processes.js'
import { brokenNode, connect, randomHash, type Signed } from './paying.js'

let chain: LocalChain
let payer: Awaited<ReturnType<typeof connect>>

beforeAll(async () => {
  chain = await startChain()
  payer = await connect(chain, await startPaidServer(chain, { methods: ['evm'] }))
})

afterAll(async () => {
  await payer?.close()
  await stopAll()
})

/** The confirm parameters for what the companion approved, with the authorization's evidence. */
function approved({ credential, payment }: Signed, reference?: string): EvmSettlement.confirm.Parameters {
  const evidence = EvmSettlement.evidence(credential)!
  return {
    rpcUrl: chain.rpcUrl,
    token: chain.token,
    payer: accounts.payer.address,
    recipient: payment.recipient as Hex,
    amount: payment.amount,
    nonce: evidence.nonce,
    validBefore: evidence.validBefore,
    reference,
  }
}

/** The payer sends the recipient `amount` of TestUSDC directly: a real transfer that is no authorization's. */
async function unrelatedTransfer(amount: bigint): Promise<Hex> {
  const wallet = createWalletClient({ chain: chain.viemChain, account: accounts.payer, transport: http(chain.rpcUrl) })
  const hash = await wallet.writeContract({ address: chain.token, abi: parseAbi(['function transfer(address to, uint256 value) returns (bool)']), functionName: 'transfer', args: [accounts.recipient.address, amount] })
  await chain.client.waitForTransactionReceipt({ hash })
  return hash
}

describe('evidence', () => {
  it('is what the authorization commits to, and never the signature', async () => {
    const { credential, payment } = await payer.signed('evm')
    const evidence = EvmSettlement.evidence(credential)
    const payload = credential.payload as { signature: Hex; nonce: Hex; validBefore: string }
    expect(evidence).toEqual({ from: accounts.payer.address, to: payment.recipient, value: 10_000n, nonce: payload.nonce, validBefore: BigInt(payload.validBefore) })
    expect(JSON.stringify(evidence, (_, value) => (typeof value === 'bigint' ? String(value) : value))).not.toContain(payload.signature.slice(2, 20))
  })

  it('is undefined for what is no evm authorization', () => {
    for (const payload of [undefined, null, 'x', {}, { type: 'hash', hash: randomHash() }, { type: 'authorization', from: '0x1', to: accounts.recipient.address, value: '1', nonce: randomHash(), validBefore: '1' }]) {
      expect(EvmSettlement.evidence({ payload })).toBeUndefined()
    }
  })
})

describe('a payment the server settled', () => {
  it('is confirmed with the receipt reference: the transaction and its block, no fee; exactly the amount left the wallet', async () => {
    const before = await chain.balanceOf(chain.token, accounts.payer.address)
    const paid = await payer.paid('evm')
    const verdict = await EvmSettlement.confirm(approved(paid, paid.reference))
    expect(verdict).toEqual({ status: 'confirmed', transaction: paid.reference, block: expect.any(BigInt) })
    expect((await chain.client.getTransactionReceipt({ hash: paid.reference as Hex })).blockNumber).toBe((verdict as { block: bigint }).block)
    expect(await chain.balanceOf(chain.token, accounts.payer.address)).toBe(before - 10_000n)
  })

  it('is confirmed with the real transaction, found by its AuthorizationUsed event, whatever the receipt says', async () => {
    const paid = await payer.paid('evm')
    const unrelated = await unrelatedTransfer(10_000n)
    for (const reference of [undefined, 'settled!', randomHash(), unrelated]) {
      expect(await EvmSettlement.confirm(approved(paid, reference))).toEqual({ status: 'confirmed', transaction: paid.reference, block: expect.any(BigInt) })
    }
  })

  it('is a mismatch when the transaction does not pay the approved amount or recipient', async () => {
    const paid = await payer.paid('evm')
    const transaction = `${paid.reference!.slice(0, 6)}…${paid.reference!.slice(-4)}`
    expect(await EvmSettlement.confirm({ ...approved(paid, paid.reference), amount: 20_000n })).toEqual({
      status: 'mismatch',
      problem: `The transaction ${transaction} does not transfer 20000 atomic units of ${chain.token} from ${accounts.payer.address} to ${accounts.recipient.address}.`,
    })
    expect(await EvmSettlement.confirm({ ...approved(paid, paid.reference), recipient: accounts.relayer.address })).toMatchObject({ status: 'mismatch' })
  })
})

describe('an authorization never sent to the server', () => {
  let signed: Signed
  beforeAll(async () => void (signed = await payer.signed('evm')))

  it('is pending: unused on chain (so the chain says, not a failing node), and usable until it expires', async () => {
    const until = new Date(Number(EvmSettlement.evidence(signed.credential)!.validBefore) * 1000).toISOString()
    for (const reference of [undefined, randomHash()]) {
      expect(await EvmSettlement.confirm(approved(signed, reference))).toEqual({
        status: 'pending',
        problem: `The authorization to transfer 10000 atomic units of ${chain.token} from ${accounts.payer.address} to ${accounts.recipient.address} has not been used on chain; it stays usable until ${until}.`,
        unused: true,
      })
    }
  })

  it('is a mismatch when the receipt names a real transaction that does not use it', async () => {
    const unrelated = await unrelatedTransfer(20_000n)
    const verdict = await EvmSettlement.confirm(approved(signed, unrelated))
    expect(verdict).toMatchObject({ status: 'mismatch', problem: expect.stringMatching(/^The transaction 0x[0-9a-f]{4}…[0-9a-f]{4} named by the server does not use this authorization, and the authorization .* has not been used on chain; it stays usable until /) })
  })
})

describe('a node that cannot say', () => {
  it('is pending, never thrown: nobody listening, garbage, HTTP errors, silence past the timeout', async () => {
    const signed = await payer.signed('evm')
    const nodes = await Promise.all([brokenNode('garbage'), brokenNode('error'), brokenNode('silent')])
    const [garbage, error, silent] = nodes
    const nobody = `http://127.0.0.1:${await freePort()}/v2/secret-api-key`
    const check = async (rpcUrl: string) => {
      const started = Date.now()
      const verdict = await EvmSettlement.confirm({ ...approved(signed, randomHash()), rpcUrl, timeoutMs: 500 })
      return { verdict, elapsed: Date.now() - started }
    }
    const host = (url: string) => new URL(url).host
    const results = await Promise.all([nobody, garbage!.url, error!.url, silent!.url].map(check))
    expect(results.map(({ verdict }) => verdict)).toEqual([
      { status: 'pending', problem: `The node at ${host(nobody)} could not be reached; the payment is not confirmed yet.` },
      { status: 'pending', problem: `The node at ${host(garbage!.url)} gave an answer that could not be read; the payment is not confirmed yet.` },
      { status: 'pending', problem: `The node at ${host(error!.url)} answered with HTTP status 500; the payment is not confirmed yet.` },
      { status: 'pending', problem: `The node at ${host(silent!.url)} did not answer within 0.5 s; the payment is not confirmed yet.` },
    ])
    for (const { elapsed } of results) expect(elapsed).toBeLessThan(2_000)
    expect(JSON.stringify(results)).not.toContain('secret-api-key')
    await Promise.all(nodes.map((node) => node.close()))
  })
})
