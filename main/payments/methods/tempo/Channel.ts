import { SessionLegacy } from 'mppx/tempo'
import {
  createClient,
  encodeFunctionData,
  http,
  isAddressEqual,
  keccak256,
  parseAbiItem,
  parseEventLogs,
  type Address,
  type Client,
  type Hex,
  type LocalAccount,
  type TransactionReceipt,
} from 'viem'
import { getBlock, getLogs, getTransactionReceipt, prepareTransactionRequest, readContract, sendRawTransaction, signTransaction, simulateCalls, waitForTransactionReceipt } from 'viem/actions'
import { tempoLocalnet } from 'viem/chains'
import { Abis } from 'viem/tempo'
import * as Chains from '../../Chains.js'
import * as Settlement from '../../Settlement.js'
import * as TypedData from '../../TypedData.js'

/**
 * The payer's side of a tempo session channel in the legacy stream-channel escrow contract: the
 * transactions and vouchers the wallet signs, and what the escrow says about a channel. mppx's own
 * legacy primitives compute channel ids and read the escrow; the transactions are
 * built here because their gas must cover the escrow's storage: Tempo prices new state highly, and
 * a node's estimate for a Tempo (0x76) transaction can fall short of it (anvil 1.7.1 estimates an
 * escrow `open` at 771,000 gas; it uses 1,575,029), so the gas is what a simulation of the same
 * calls used, with head-room.
 */

const { Chain, Channel: ChannelId } = SessionLegacy.Session
const escrowAbi = Chain.escrowAbi

/** Seconds a signed open or top-up transaction stays valid (Tempo expiring nonce): after that it can never land. */
export const validSeconds = 25

/** Head-room over the simulated gas: the Tempo transaction's own intrinsic cost (signature, expiring nonce). */
const gasHeadroom = 150_000n

export type Target = {
  rpcUrl: string
  chainId: number
  escrow: Address
  /** The TIP-20 token the channel holds (also the fee token). */
  token: Address
}

/** A channel's identity: who pays whom in which token, and the salt that makes it unique. */
export type Identity = Target & { payer: Address; payee: Address; salt: Hex }

function client(target: Pick<Target, 'rpcUrl' | 'chainId'>): Client {
  const base = Chains.withRpc[target.chainId] ?? tempoLocalnet
  const chain = { ...base, id: target.chainId, rpcUrls: { default: { http: [target.rpcUrl] } } }
  return createClient({ chain, transport: http(target.rpcUrl) })
}

/** The channel id the escrow derives (the payer signs vouchers itself: no separate authorized signer). */
export function id(identity: Identity): Hex {
  const { payer, payee, token, salt, escrow, chainId } = identity
  return ChannelId.computeId({ payer, payee, token, salt, authorizedSigner: payer, escrowContract: escrow, chainId })
}

/**
 * The escrow's EIP-712 voucher, as mppx's legacy `Voucher` signs it (its digest helper is not
 * exported). Signing the digest with the wallet's own key gives mppx's signature byte for byte
 * without its second hashing and its check of the signer by public-key recovery, which made a
 * voucher five times slower to sign; the payee and the escrow still verify every voucher.
 */
const voucherTypes = { Voucher: [{ name: 'channelId', type: 'bytes32' }, { name: 'cumulativeAmount', type: 'uint128' }] }

/** A voucher for `cumulative` atomic units over the channel: the signature the payee can settle with. */
export async function voucher(parameters: { target: Target; account: LocalAccount; channelId: Hex; cumulative: bigint }): Promise<Hex> {
  const { target, account, channelId, cumulative } = parameters
  if (!account.sign) throw new Error('This wallet cannot sign vouchers.')
  const domain = { name: 'Tempo Stream Channel', version: '1', chainId: target.chainId, verifyingContract: target.escrow }
  return account.sign({ hash: TypedData.hash({ domain, types: voucherTypes, primaryType: 'Voucher', message: { channelId, cumulativeAmount: cumulative } }) })
}

/** A signed transaction: its bytes, its hash, and the chain time (ms) after which it can no longer land. */
export type Signed = { serialized: Hex; hash: Hex; validBefore: number }

/**
 * The open transaction (approve the deposit, then `open`), signed and not sent: the server
 * broadcasts it. Its hash is known before it leaves, and it cannot land after `validBefore`.
 */
export async function signOpen(parameters: { identity: Identity; account: LocalAccount; deposit: bigint }): Promise<Signed> {
  const { identity, account, deposit } = parameters
  const { escrow, token, payee, salt } = identity
  const calls = [
    { to: token, data: encodeFunctionData({ abi: Abis.tip20, functionName: 'approve', args: [escrow, deposit] }) },
    { to: escrow, data: encodeFunctionData({ abi: escrowAbi, functionName: 'open', args: [payee, token, deposit, salt, account.address] }) },
  ]
  return signCalls(identity, account, calls)
}

/** The top-up transaction (approve, then `topUp`), signed and not sent: the wallet sends it itself. */
export async function signTopUp(parameters: { target: Target; account: LocalAccount; channelId: Hex; additional: bigint }): Promise<Signed> {
  const { target, account, channelId, additional } = parameters
  const calls = [
    { to: target.token, data: encodeFunctionData({ abi: Abis.tip20, functionName: 'approve', args: [target.escrow, additional] }) },
    { to: target.escrow, data: encodeFunctionData({ abi: escrowAbi, functionName: 'topUp', args: [channelId, additional] }) },
  ]
  return signCalls(target, account, calls)
}

/** Asks the escrow to close the channel (the payer's way out): the payee may close it at once; else the payer withdraws after the grace period. */
export async function requestClose(parameters: { target: Target; account: LocalAccount; channelId: Hex }): Promise<TransactionReceipt> {
  const { target, account, channelId } = parameters
  const calls = [{ to: target.escrow, data: encodeFunctionData({ abi: escrowAbi, functionName: 'requestClose', args: [channelId] }) }]
  return send(target, await signCalls(target, account, calls))
}

/** Takes back what the channel holds beyond what was settled, once the close grace period is over. */
export async function withdraw(parameters: { target: Target; account: LocalAccount; channelId: Hex }): Promise<TransactionReceipt> {
  const { target, account, channelId } = parameters
  const calls = [{ to: target.escrow, data: encodeFunctionData({ abi: escrowAbi, functionName: 'withdraw', args: [channelId] }) }]
  return send(target, await signCalls(target, account, calls))
}

/** Sends a signed transaction and waits for it; a revert is an error. */
export async function send(target: Pick<Target, 'rpcUrl' | 'chainId'>, signed: Signed): Promise<TransactionReceipt> {
  const node = client(target)
  await sendRawTransaction(node, { serializedTransaction: signed.serialized })
  const receipt = await waitForTransactionReceipt(node, { hash: signed.hash })
  if (receipt.status !== 'success') throw new Error(`The transaction ${signed.hash} reverted.`)
  return receipt
}

/** A transaction's receipt, or undefined while it is not on chain; throws when the node cannot say. */
export async function receiptOf(target: Pick<Target, 'rpcUrl' | 'chainId'>, hash: Hex): Promise<TransactionReceipt | undefined> {
  return Settlement.receiptOrNone(getTransactionReceipt(client(target), { hash }))
}

export type State = { deposit: bigint; settled: bigint; finalized: boolean; closeRequestedAt: bigint; payer: Address; payee: Address; token: Address }

/** What the escrow holds for a channel (a deposit of 0 when there is no such channel). */
export async function read(target: Target, channelId: Hex): Promise<State> {
  const { deposit, settled, finalized, closeRequestedAt, payer, payee, token } = await Chain.getOnChainChannel(client(target), target.escrow, channelId)
  return { deposit, settled, finalized, closeRequestedAt, payer, payee, token }
}

/** The escrow's grace period between a close request and the payer's withdrawal, in seconds. */
export async function gracePeriod(target: Target): Promise<bigint> {
  return readContract(client(target), { address: target.escrow, abi: escrowAbi, functionName: 'CLOSE_GRACE_PERIOD' })
}

/**
 * The time the next block will at least carry, in seconds: the later of the latest block's
 * timestamp and this machine's clock (a node that mines only on demand keeps an old timestamp until
 * its next block). Expiring nonces and the escrow's grace period are measured by it.
 */
export async function chainTime(target: Pick<Target, 'rpcUrl' | 'chainId'>): Promise<number> {
  const latest = Number((await getBlock(client(target))).timestamp)
  return Math.max(latest, Math.floor(Date.now() / 1000))
}

/**
 * The network fee a wallet transaction took, in the channel's token: what left the payer other than
 * into the escrow, net of what came back other than from it (a fee refund).
 */
export function feePaid(receipt: TransactionReceipt, parties: { payer: Address; token: Address; escrow: Address }): bigint {
  const { payer, token, escrow } = parties
  let fee = 0n
  for (const { address, args } of parseEventLogs({ abi: [transfer], logs: receipt.logs })) {
    if (!isAddressEqual(address, token)) continue
    if (isAddressEqual(args.from, payer) && !isAddressEqual(args.to, escrow)) fee += args.value
    if (isAddressEqual(args.to, payer) && !isAddressEqual(args.from, escrow)) fee -= args.value
  }
  return fee
}

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')

/** How the channel ended on chain: what the payee got, what came back to the payer, and in which transaction. */
export type Closed = { settled: bigint; refund: bigint; transaction: Hex }

export async function closed(target: Target, channelId: Hex): Promise<Closed | undefined> {
  const logs = await getLogs(client(target), { address: target.escrow, event: channelClosed, args: { channelId }, fromBlock: 0n })
  const log = parseEventLogs({ abi: escrowAbi, eventName: 'ChannelClosed', logs })[0]
  if (!log) return undefined
  return { settled: log.args.settledToPayee, refund: log.args.refundedToPayer, transaction: log.transactionHash }
}

const channelClosed = escrowAbi.find((item) => item.type === 'event' && item.name === 'ChannelClosed')!

/** Signs a Tempo transaction of `calls` from `account`, fees in the channel's token, valid for {@link validSeconds}. */
async function signCalls(target: Pick<Target, 'rpcUrl' | 'chainId' | 'token'>, account: LocalAccount, calls: { to: Address; data: Hex }[]): Promise<Signed> {
  const node = client(target)
  const simulated = await simulateCalls(node, { account: account.address, calls })
  const failed = simulated.results.find((result) => result.status !== 'success')
  if (failed) throw new Error(`The escrow would refuse this transaction: ${failed.error?.message.split('\n')[0] ?? 'it reverts'}.`)
  const used = simulated.results.reduce((sum, result) => sum + result.gasUsed, 0n)
  // The chain's clock is what the expiring nonce is checked against.
  const validBefore = (await chainTime(target)) + validSeconds
  const prepared = await prepareTransactionRequest(node, { account, calls, feeToken: target.token, nonceKey: 'expiring', validBefore } as never)
  const request = prepared as unknown as { gas?: bigint }
  const gas = used + gasHeadroom
  if ((request.gas ?? 0n) < gas) request.gas = gas
  const serialized = (await signTransaction(node, prepared as never)) as Hex
  return { serialized, hash: keccak256(serialized), validBefore: validBefore * 1000 }
}
