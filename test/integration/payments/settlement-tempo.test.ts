// Tempo charge settlement checked on anvil's Tempo mode: push and pull credentials signed by Signer
// for the paid server's challenges, the network fee the wallet paid (to the atomic unit), a server
// that sponsors fees (and so changes the transaction hash), and servers and nodes that lie or fail.
import { createWalletClient, encodeAbiParameters, encodeEventTopics, http, keccak256, parseAbiItem, toHex, type Address, type Hex } from 'viem'
import { Actions, Addresses } from 'viem/tempo'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as TempoSettlement from '../../../main/payments/methods/tempo/Settlement.js'
import { accounts, pathUsd, startChain, startPaidServer, type LocalChain } from '../../helpers/chain.js'
import { freePort, stopAll } from '../../helpers/processes.js'
import { brokenNode, connect, randomHash, sign, sponsoringServer, stubNode, type Signed } from './paying.js'

let chain: LocalChain
let payer: Awaited<ReturnType<typeof connect>>
/** The token anvil's Tempo mode has the payer pay fees in until it picks its own. */
let defaultFeeToken: Address

beforeAll(async () => {
  chain = await startChain({ variant: 'tempo' })
  payer = await connect(chain, await startPaidServer(chain, { methods: ['tempo'], tempoModes: ['pull', 'push'] }))
  defaultFeeToken = (await Actions.fee.getUserToken(chain.client, { account: accounts.payer.address }))!.address
})

afterAll(async () => {
  await payer?.close()
  await stopAll()
})

const wallet = () => createWalletClient({ chain: chain.viemChain, account: accounts.payer, transport: http(chain.rpcUrl) })
const same = (a: string, b: string) => a.toLowerCase() === b.toLowerCase()
const short = (hash: string) => `${hash.slice(0, 6)}…${hash.slice(-4)}`

/** The confirm parameters for what the companion approved, with the credential's evidence. */
function approved({ credential, payment }: Signed, reference?: string): TempoSettlement.confirm.Parameters {
  return {
    rpcUrl: chain.rpcUrl,
    chainId: chain.chainId,
    currency: pathUsd,
    payer: accounts.payer.address,
    payments: [{ recipient: payment.recipient as Address, amount: payment.amount }],
    ...TempoSettlement.evidence(credential),
    reference,
  }
}

/** How much of each token left the payer's wallet while `run` ran. */
async function spent<T>(tokens: Address[], run: () => Promise<T>): Promise<{ result: T; spent: (token: string) => bigint }> {
  const balances = () => Promise.all(tokens.map((token) => chain.balanceOf(token, accounts.payer.address)))
  const before = await balances()
  const result = await run()
  const after = await balances()
  const index = (token: string) => tokens.findIndex((other) => same(other, token))
  return { result, spent: (token) => before[index(token)]! - after[index(token)]! }
}

/** The payer sends `to` some pathUSD directly: a real transfer that is no credential's. */
async function unrelatedTransfer(amount: bigint, to: Address = accounts.recipient.address): Promise<Hex> {
  const { receipt } = await Actions.token.transferSync(wallet(), { amount, to, token: pathUsd })
  return receipt.transactionHash
}

/** The most the transaction could have been charged: its gas limit at its maximum fee per gas, in atomic units. */
async function signedMaximum(hash: Hex): Promise<bigint> {
  const { gas, maxFeePerGas } = await chain.client.getTransaction({ hash })
  return (gas * maxFeePerGas! + 10n ** 12n - 1n) / 10n ** 12n
}

describe('evidence', () => {
  it('push: the hash of the transaction the wallet broadcast', async () => {
    const { credential } = await payer.signed('tempo', 'push')
    expect(TempoSettlement.evidence(credential)).toEqual({ transaction: (credential.payload as { hash: Hex }).hash })
  })

  it('pull: the hash of the signed transaction and its memo, never the transaction itself', async () => {
    const { credential } = await payer.signed('tempo', 'pull')
    const signed = (credential.payload as { signature: Hex }).signature
    const evidence = TempoSettlement.evidence(credential)
    expect(evidence).toEqual({ transaction: keccak256(signed), memo: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
    expect(JSON.stringify(evidence)).not.toContain(signed.slice(0, 40))
  })

  it('is undefined for what carries no transaction', () => {
    for (const payload of [undefined, null, {}, { type: 'hash', hash: '0x12' }, { type: 'transaction', signature: '0x02f8' }, { type: 'transaction', signature: '0x76zz' }, { type: 'proof', signature: randomHash() }]) {
      expect(TempoSettlement.evidence({ payload })).toBeUndefined()
    }
  })
})

describe.each([
  { feeToken: 'another token than the payment', setup: async () => {} },
  { feeToken: 'pathUSD, the payment token', setup: () => Actions.fee.setUserTokenSync(wallet(), { token: pathUsd }).then(() => {}) },
])('fees in $feeToken', ({ setup }) => {
  beforeAll(setup)

  it.each(['push', 'pull'] as const)('%s: confirmed with the fee the wallet paid; payment + fee is what left the wallet, to the atomic unit', async (mode) => {
    const feeToken = (await Actions.fee.getUserToken(chain.client, { account: accounts.payer.address }))!.address
    const estimate = await TempoSettlement.estimateFee({ rpcUrl: chain.rpcUrl, chainId: chain.chainId, currency: pathUsd, payer: accounts.payer.address, recipient: accounts.recipient.address, amount: 10_000n })
    const { result: paid, spent: left } = await spent([pathUsd, defaultFeeToken], () => payer.paid('tempo', mode))
    const verdict = await TempoSettlement.confirm(approved(paid, paid.reference))

    expect(verdict).toEqual({ status: 'confirmed', transaction: paid.reference, block: expect.any(BigInt), fee: { currency: expect.any(String), amount: expect.any(BigInt) } })
    const { fee } = verdict as { fee: { currency: string; amount: bigint } }
    expect(same(fee.currency, feeToken)).toBe(true)
    expect(fee.amount).toBeGreaterThan(0n)
    if (same(feeToken, pathUsd)) expect(left(pathUsd)).toBe(10_000n + fee.amount)
    else expect([left(pathUsd), left(feeToken)]).toEqual([10_000n, fee.amount])
    // Without a fee payer the server broadcasts the signed bytes as they are: the same hash.
    expect(TempoSettlement.evidence(paid.credential)!.transaction).toBe(paid.reference)

    expect(same(estimate!.currency, feeToken)).toBe(true)
    expect(estimate!.amount).toBeGreaterThanOrEqual(fee.amount)
    expect(estimate!.amount).toBeLessThanOrEqual(3n * (await signedMaximum(paid.reference as Hex)))
  })
})

describe('a server sponsoring the fees (pull mode, co-signed as fee payer)', () => {
  it('has no hash before the server co-signs; the transaction is found by its memo; the wallet pays no fee', async () => {
    const server = sponsoringServer(chain)
    const signed = await sign(chain, await server.challenge(), 'pull')
    // The wallet signs a fee payer envelope (0x78), which the server completes: only the memo is known beforehand.
    const envelope = (signed.credential.payload as { signature: Hex }).signature
    expect(envelope.slice(0, 4)).toBe('0x78')
    expect(TempoSettlement.evidence(signed.credential)).toEqual({ memo: expect.stringMatching(/^0x[0-9a-f]{64}$/) })
    const { result: reference, spent: left } = await spent([pathUsd, defaultFeeToken], () => server.settle(signed.credential))
    expect(reference).not.toBe(keccak256(envelope))
    expect([left(pathUsd), left(defaultFeeToken)]).toEqual([10_000n, 0n])
    for (const lie of [reference, undefined, randomHash(), await unrelatedTransfer(10_000n)]) {
      expect(await TempoSettlement.confirm(approved(signed, lie))).toEqual({ status: 'confirmed', transaction: reference, block: expect.any(BigInt) })
    }
  })
})

describe('a server that lies', () => {
  it('a pushed payment is confirmed by its own transaction, whatever the receipt names', async () => {
    const paid = await payer.paid('tempo', 'push')
    for (const lie of [undefined, 'paid', randomHash(), await unrelatedTransfer(10_000n)]) {
      expect(await TempoSettlement.confirm(approved(paid, lie))).toMatchObject({ status: 'confirmed', transaction: paid.reference })
    }
  })

  it('a credential never sent is pending, whatever the receipt names, unless that is a real transaction', async () => {
    const signed = await payer.signed('tempo', 'pull')
    const transaction = TempoSettlement.evidence(signed.credential)!.transaction!
    const what = `10000 to ${accounts.recipient.address} (atomic units of ${pathUsd}) from ${accounts.payer.address}`
    for (const lie of [undefined, randomHash()]) {
      expect(await TempoSettlement.confirm(approved(signed, lie))).toEqual({ status: 'pending', problem: `The transaction ${short(transaction)} paying ${what} is not on chain.`, unused: true })
    }
    const [other, elsewhere, lookalike] = [await unrelatedTransfer(20_000n), await unrelatedTransfer(10_000n, accounts.relayer.address), await unrelatedTransfer(10_000n)]
    expect(await TempoSettlement.confirm(approved(signed, other))).toEqual({ status: 'mismatch', problem: `The transaction ${short(other)} named by the server does not transfer ${what}.` })
    expect(await TempoSettlement.confirm(approved(signed, elsewhere))).toEqual({ status: 'mismatch', problem: `The transaction ${short(elsewhere)} named by the server does not transfer ${what}.` })
    expect(await TempoSettlement.confirm(approved(signed, lookalike))).toEqual({
      status: 'mismatch',
      problem: `The transaction ${short(lookalike)} named by the server is not the transaction the wallet signed, which is not on chain.`,
    })
  })

  it('a transaction that pays another amount, recipient, token or from another payer is a mismatch', async () => {
    const paid = await payer.paid('tempo', 'push')
    const parameters = approved(paid, paid.reference)
    const wrong = [
      { payments: [{ recipient: accounts.recipient.address, amount: 9_999n }] },
      { payments: [{ recipient: accounts.relayer.address, amount: 10_000n }] },
      { payments: [...parameters.payments, { recipient: accounts.relayer.address, amount: 1n }] },
      { currency: defaultFeeToken },
      { payer: accounts.relayer.address },
    ]
    for (const change of wrong) {
      expect(await TempoSettlement.confirm({ ...parameters, ...change })).toMatchObject({ status: 'mismatch', problem: expect.stringMatching(/^The transaction 0x[0-9a-f]{4}…[0-9a-f]{4} does not transfer /) })
    }
  })

  it('a reverted transaction is a mismatch', async () => {
    const balance = await chain.balanceOf(pathUsd, accounts.payer.address)
    const call = Actions.token.transfer.call(chain.client, { amount: balance + 1n, to: accounts.recipient.address, token: pathUsd })
    const hash = await wallet().sendTransaction({ calls: [call], gas: 200_000n })
    expect((await chain.client.waitForTransactionReceipt({ hash })).status).toBe('reverted')
    expect(await TempoSettlement.confirm({ ...approved(await payer.signed('tempo', 'push')), transaction: hash })).toEqual({ status: 'mismatch', problem: `The transaction ${short(hash)} reverted.` })
  })
})

describe('a fee charged up front and partly refunded (as a node may log it)', () => {
  const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 amount)')
  const transferWithMemo = parseAbiItem('event TransferWithMemo(address indexed from, address indexed to, uint256 amount, bytes32 indexed memo)')
  const { payer: { address: from }, recipient: { address: to } } = accounts
  const move = (token: Address, source: Address, target: Address, amount: bigint, memo?: Hex) => ({
    address: token,
    topics: memo ? encodeEventTopics({ abi: [transferWithMemo], args: { from: source, to: target, memo } }) : encodeEventTopics({ abi: [transfer], args: { from: source, to: target } }),
    data: encodeAbiParameters([{ type: 'uint256' }], [amount]),
  })
  /** What the stub node says about `hash`: a successful transaction in block 7 with these token moves. */
  async function receiptOf(hash: Hex, moves: ReturnType<typeof move>[]) {
    const at = { blockHash: randomHash(), blockNumber: '0x7', transactionHash: hash, transactionIndex: '0x0' }
    const logs = moves.map((log, index) => ({ ...log, ...at, logIndex: toHex(index), removed: false }))
    const receipt = { ...at, from, to: pathUsd, status: '0x1', type: '0x76', gasUsed: '0xc837', cumulativeGasUsed: '0xc837', effectiveGasPrice: '0x3b9aca00', contractAddress: null, logsBloom: `0x${'0'.repeat(512)}`, logs }
    return stubNode({ eth_chainId: toHex(chain.chainId), eth_getTransactionReceipt: receipt })
  }
  const confirm = (rpcUrl: string, transaction: Hex) => TempoSettlement.confirm({ rpcUrl, chainId: chain.chainId, currency: pathUsd, payer: from, payments: [{ recipient: to, amount: 10_000n }], transaction })
  const payment = [move(pathUsd, from, to, 10_000n), move(pathUsd, from, to, 10_000n, randomHash())]

  it('is what went to the fee manager less what came back; the memo log does not count the payment twice', async () => {
    const hash = randomHash()
    const node = await receiptOf(hash, [...payment, move(pathUsd, from, Addresses.feeManager, 5_000n), move(pathUsd, Addresses.feeManager, from, 4_462n)])
    expect(await confirm(node.url, hash)).toEqual({ status: 'confirmed', transaction: hash, block: 7n, fee: { currency: pathUsd, amount: 538n } })
    await node.close()
  })

  it('a transaction that takes more from the wallet, in two tokens, is a mismatch', async () => {
    const hash = randomHash()
    const node = await receiptOf(hash, [...payment, move(pathUsd, from, Addresses.feeManager, 538n), move(defaultFeeToken, from, accounts.relayer.address, 1n)])
    expect(await confirm(node.url, hash)).toEqual({ status: 'mismatch', problem: `The transaction ${short(hash)} takes more from the wallet than the payment and one network fee.` })
    await node.close()
  })
})

describe('a node that cannot say', () => {
  it('is pending and estimates nothing, never thrown: nobody listening, garbage, HTTP errors, silence past the timeout, another chain', async () => {
    const signed = await payer.signed('tempo', 'pull')
    const nodes = await Promise.all([brokenNode('garbage'), brokenNode('error'), brokenNode('silent')])
    const urls = [`http://127.0.0.1:${await freePort()}`, ...nodes.map((node) => node.url)]
    const started = Date.now()
    const [verdicts, estimates] = await Promise.all([
      Promise.all(urls.map((rpcUrl) => TempoSettlement.confirm({ ...approved(signed, randomHash()), rpcUrl, timeoutMs: 500 }))),
      Promise.all(urls.map((rpcUrl) => TempoSettlement.estimateFee({ rpcUrl, chainId: chain.chainId, currency: pathUsd, payer: accounts.payer.address, recipient: accounts.recipient.address, amount: 1n, timeoutMs: 500 }))),
    ])
    expect(Date.now() - started).toBeLessThan(2_000)
    // Pending, but not `unused`: a node that cannot say proves nothing either way.
    expect(verdicts.map((verdict) => [verdict.status, 'unused' in verdict])).toEqual([['pending', false], ['pending', false], ['pending', false], ['pending', false]])
    expect(verdicts.map((verdict) => (verdict as { problem: string }).problem)).toEqual([
      expect.stringMatching(/could not be reached; the payment is not confirmed yet\.$/),
      expect.stringMatching(/gave an answer that could not be read; the payment is not confirmed yet\.$/),
      expect.stringMatching(/answered with HTTP status 500; the payment is not confirmed yet\.$/),
      expect.stringMatching(/did not answer within 0\.5 s; the payment is not confirmed yet\.$/),
    ])
    expect(estimates).toEqual([undefined, undefined, undefined, undefined])
    await Promise.all(nodes.map((node) => node.close()))

    expect(await TempoSettlement.confirm({ ...approved(signed), chainId: 4217 })).toEqual({ status: 'pending', problem: 'The node for chain 4217 answers for chain 1337; the payment is not confirmed yet.' })
  })
})
