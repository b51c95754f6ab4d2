import {
  createPublicClient,
  decodeFunctionData,
  isAddressEqual,
  keccak256,
  parseAbiItem,
  parseEventLogs,
  slice,
  stringToBytes,
  type Address,
  type Hex,
} from 'viem'
import { prepareTransactionRequest } from 'viem/actions'
import { tempoLocalnet } from 'viem/chains'
import { Actions, Transaction } from 'viem/tempo'
import * as Settlement from '../../Settlement.js'

/**
 * Whether a Tempo `charge` (a TIP-20 transfer the wallet signed) happened on chain, and what network
 * fee it took from the wallet. On Tempo the sender pays fees in a USD TIP-20 token, unless a fee
 * payer (the server) co-signs the transaction to sponsor it.
 *
 * Which transaction is the wallet's: in push mode the wallet broadcast it and the credential carries
 * its hash. In pull mode the credential carries the signed transaction (0x76) and the server
 * broadcasts those bytes, so the hash is their keccak256; but when the server sponsors the fee, the
 * wallet signs a fee payer envelope (0x78) that the server completes with the fee token and its own
 * signature, and the hash on chain is only known afterwards. The transfer's memo, which mppx binds
 * to the challenge, is in both: such a transaction is found by its `TransferWithMemo` log.
 */

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 amount)')
const transferWithMemo = parseAbiItem('event TransferWithMemo(address indexed from, address indexed to, uint256 amount, bytes32 indexed memo)')
const transferWithMemoCall = parseAbiItem('function transferWithMemo(address to, uint256 amount, bytes32 memo)')

/** Tempo prices gas in USD per 10^18 gas; TIP-20 tokens have 6 decimals (Tempo's fee spec). */
const attoPerAtomic = 10n ** 12n

/** mppx pads a pull transaction's gas estimate by this much before signing. */
const pullGasPadding = 5_000n

/** Head-room in the fee bound for the base fee rising between the estimate and the signature. */
const margin = { numerator: 5n, denominator: 4n }

/** A memo of the size mppx attaches (bytes32), non-zero so that its calldata is priced in full. */
const placeholderMemo: Hex = `0x${'ff'.repeat(32)}`

export type Payment = { recipient: Address; amount: bigint }

export type Evidence = {
  /**
   * The hash of the transaction the credential carries (push: as broadcast; pull: as signed).
   * Absent for a transaction left for the server to co-sign as fee payer (a 0x78 envelope), whose
   * hash is only known once it has.
   */
  transaction?: Hex | undefined
  /** Pull mode: the memo of the signed transfer, to find the transaction when its hash is not known or changed. */
  memo?: Hex | undefined
}

/** The transaction in an mppx `tempo` charge credential payload, or undefined when there is none. */
export function evidence(credential: { payload: unknown }): Evidence | undefined {
  const { payload } = credential
  if (typeof payload !== 'object' || payload === null) return undefined
  const { type, hash, signature } = payload as Record<string, unknown>
  if (type === 'hash') return Settlement.isBytes32(hash) ? { transaction: hash } : undefined
  if (type !== 'transaction' || typeof signature !== 'string' || !/^0x7[68][0-9a-fA-F]+$/.test(signature)) return undefined
  try {
    const memo = memoOf(Transaction.deserialize(signature as `0x76${string}`).calls)
    const transaction = signature.startsWith('0x76') ? keccak256(signature as Hex) : undefined
    if (!transaction && !memo) return undefined
    return { ...(transaction && { transaction }), ...(memo && { memo }) }
  } catch {
    return undefined
  }
}

/**
 * The memo nonce mppx's Attribution binds a server-made transfer to its challenge with: the first 7
 * bytes of keccak256(challenge id), which end the memo.
 */
export function challengeNonce(challengeId: string): Hex {
  return slice(keccak256(stringToBytes(challengeId)), 0, 7)
}

/** Never throws: a node that cannot say is a `pending` verdict. */
export function confirm(parameters: confirm.Parameters): Promise<Settlement.Verdict> {
  return Settlement.check(parameters, async () => {
    const client = clientFor(parameters)
    const chainId = await client.getChainId()
    if (chainId !== parameters.chainId) return Settlement.pending(`The node for chain ${parameters.chainId} answers for chain ${chainId}; the payment is not confirmed yet.`)
    const { transaction, reference, memo } = parameters
    const own = transaction && (await receiptOf(client, transaction))
    if (own) return judge(own, parameters)
    const named = Settlement.isBytes32(reference) && !sameHash(reference, transaction) ? await receiptOf(client, reference) : undefined
    if (named && vouchedFor(named, parameters)) return judge(named, parameters)
    const found = (memo || parameters.challengeNonce) && (await findByMemo(client, parameters))
    if (found) return judge(found, parameters)
    if (named) return Settlement.mismatch(namedProblem(named, parameters))
    return Settlement.pending(`The transaction ${transaction ? `${Settlement.short(transaction)} ` : ''}paying ${what(parameters)} is not on chain.`, { unused: true })
  })
}

export declare namespace confirm {
  type Parameters = {
    rpcUrl: string
    chainId: number
    /** The TIP-20 token paid. */
    currency: Address
    payer: Address
    /** Every transfer the challenge asks for: the primary recipient and its splits. */
    payments: readonly Payment[]
    /** From {@link evidence}. */
    transaction?: Hex | undefined
    /** From {@link evidence} (pull mode). */
    memo?: Hex | undefined
    /**
     * A transfer the server makes with the wallet's authorization (a subscription's charge): the
     * last 7 bytes of its memo, which mppx derives from the challenge id (see {@link challengeNonce}).
     */
    challengeNonce?: Hex | undefined
    /** The server's receipt reference: should be the transaction hash, but is not trusted. */
    reference?: string | undefined
    timeoutMs?: number | undefined
  }
}

/**
 * An upper bound of the network fee the wallet pays for such a transfer, before signing: the gas
 * and maximum fee per gas the wallet would sign (as mppx prepares the transaction), in the fee
 * token's atomic units, rounded up, with head-room. Undefined when the node cannot say.
 */
export function estimateFee(parameters: estimateFee.Parameters): Promise<Settlement.Fee | undefined> {
  const { timeoutMs = Settlement.defaultTimeoutMs } = parameters
  return Settlement.bounded(() => feeBound(parameters), { timeoutMs, fallback: () => undefined })
}

export declare namespace estimateFee {
  type Parameters = {
    rpcUrl: string
    chainId: number
    currency: Address
    payer: Address
    recipient: Address
    amount: bigint
    timeoutMs?: number | undefined
  }
}

async function feeBound(parameters: estimateFee.Parameters): Promise<Settlement.Fee | undefined> {
  const { currency, payer, recipient, amount } = parameters
  const client = clientFor(parameters)
  if ((await client.getChainId()) !== parameters.chainId) return undefined
  const call = Actions.token.transfer.call(client, { amount, memo: placeholderMemo, to: recipient, token: currency })
  const [prepared, userToken] = await Promise.all([
    prepareTransactionRequest(client, { account: payer, calls: [call], nonceKey: 'expiring' }),
    Actions.fee.getUserToken(client, { account: payer }),
  ])
  // The most the signed transaction can be charged: its gas limit at its maximum fee per gas.
  const attoUsd = (prepared.gas + pullGasPadding) * prepared.maxFeePerGas
  // Without a fee token of the sender's own, Tempo charges a TIP-20 transfer's fee in that token.
  return { currency: userToken?.address ?? currency, amount: ceilDiv(attoUsd * margin.numerator, attoPerAtomic * margin.denominator) }
}

function ceilDiv(numerator: bigint, denominator: bigint): bigint {
  return (numerator + denominator - 1n) / denominator
}

type Client = ReturnType<typeof clientFor>
/** Tempo's receipts: `pending` while only preconfirmed. */
type Receipt = Awaited<ReturnType<Client['getTransactionReceipt']>>

// Tempo's formatters: the base ones reject Tempo transactions (expiring nonces).
function clientFor(parameters: { rpcUrl: string; chainId: number; timeoutMs?: number | undefined }) {
  const chain = { ...tempoLocalnet, id: parameters.chainId }
  return createPublicClient({ chain, transport: Settlement.transport(parameters) })
}

/**
 * Confirmed when it succeeded and pays every recipient from the payer; the fee is what else left
 * the wallet in the transaction (the transfer to the fee manager, net of any refund).
 */
function judge(receipt: Receipt, parameters: confirm.Parameters): Settlement.Verdict {
  const transaction = Settlement.short(receipt.transactionHash)
  if (receipt.status === 'pending') return Settlement.pending(`The transaction ${transaction} is not final yet.`)
  if (receipt.status !== 'success') return Settlement.mismatch(`The transaction ${transaction} reverted.`)
  const moves = transfers(receipt)
  if (!pays(moves, parameters)) return Settlement.mismatch(`The transaction ${transaction} does not transfer ${what(parameters)}.`)
  const extra = beyondPayments(moves, parameters)
  if (extra.length > 1) return Settlement.mismatch(`The transaction ${transaction} takes more from the wallet than the payment and one network fee.`)
  const fee = extra[0] && { currency: extra[0][0], amount: extra[0][1] }
  return { status: 'confirmed', transaction: receipt.transactionHash, block: receipt.blockNumber, ...(fee && { fee }) }
}

type Move = { token: Address; from: Address; to: Address; amount: bigint }

// A memo transfer logs `TransferWithMemo` beside its `Transfer`: only `Transfer` counts, so nothing counts twice.
function transfers(receipt: Receipt): Move[] {
  return parseEventLogs({ abi: [transfer], logs: receipt.logs }).map((log) => ({ token: log.address, ...log.args }))
}

/** Each payment matched by its own transfer of `currency` from the payer. */
function pays(moves: readonly Move[], { currency, payer, payments }: confirm.Parameters): boolean {
  const unused = [...moves]
  for (const payment of payments) {
    const index = unused.findIndex(
      (move) => isAddressEqual(move.token, currency) && isAddressEqual(move.from, payer) && isAddressEqual(move.to, payment.recipient) && move.amount === payment.amount,
    )
    if (index === -1) return false
    unused.splice(index, 1)
  }
  return true
}

/** Per token, what left the payer's wallet in the transaction beyond the payments; only tokens with something left. */
function beyondPayments(moves: readonly Move[], { currency, payer, payments }: confirm.Parameters): [Address, bigint][] {
  const outflow = new Map<string, [Address, bigint]>()
  const add = (token: Address, amount: bigint) => {
    const key = token.toLowerCase()
    outflow.set(key, [token, (outflow.get(key)?.[1] ?? 0n) + amount])
  }
  for (const move of moves) {
    if (isAddressEqual(move.from, payer)) add(move.token, move.amount)
    if (isAddressEqual(move.to, payer)) add(move.token, -move.amount)
  }
  add(currency, -payments.reduce((sum, payment) => sum + payment.amount, 0n))
  return [...outflow.values()].filter(([, amount]) => amount > 0n)
}

/** A transaction other than the one the wallet signed counts only if it carries the signed memo, or when nothing else identifies it. */
function vouchedFor(receipt: Receipt, { transaction, memo, currency, payer }: confirm.Parameters): boolean {
  if (memo) return parseEventLogs({ abi: [transferWithMemo], logs: receipt.logs, args: { from: payer, memo } }).some((log) => isAddressEqual(log.address, currency))
  return transaction === undefined
}

async function findByMemo(client: Client, parameters: confirm.Parameters): Promise<Receipt | undefined> {
  const { memo, challengeNonce } = parameters
  const latest = await client.getBlockNumber()
  const logs = await client.getLogs({
    address: parameters.currency,
    event: transferWithMemo,
    args: { from: parameters.payer, ...(memo && { memo }) },
    fromBlock: latest > Settlement.lookbackBlocks ? latest - Settlement.lookbackBlocks : 0n,
    toBlock: latest,
  })
  const bound = memo ? logs : logs.filter((log) => challengeNonce && log.args.memo?.toLowerCase().endsWith(challengeNonce.slice(2).toLowerCase()))
  const hash = bound.at(-1)?.transactionHash
  return hash ? receiptOf(client, hash) : undefined
}

function receiptOf(client: Client, hash: Hex): Promise<Receipt | undefined> {
  return Settlement.receiptOrNone(client.getTransactionReceipt({ hash }))
}

function namedProblem(receipt: Receipt, parameters: confirm.Parameters): string {
  const named = `The transaction ${Settlement.short(receipt.transactionHash)} named by the server`
  if (receipt.status !== 'success') return `${named} reverted, and the wallet's own transaction is not on chain.`
  if (!pays(transfers(receipt), parameters)) return `${named} does not transfer ${what(parameters)}.`
  return `${named} is not the transaction the wallet signed, which is not on chain.`
}

function memoOf(calls: readonly { data?: Hex | undefined }[] | undefined): Hex | undefined {
  for (const { data } of calls ?? []) {
    try {
      return decodeFunctionData({ abi: [transferWithMemoCall], data: data ?? '0x' }).args[2]
    } catch {} // not a memo transfer
  }
  return undefined
}

function what({ currency, payer, payments }: confirm.Parameters): string {
  const transfers = payments.map(({ amount, recipient }) => `${amount} to ${recipient}`).join(' and ')
  return `${transfers} (atomic units of ${currency}) from ${payer}`
}

function sameHash(a: string, b: string | undefined): boolean {
  return b !== undefined && a.toLowerCase() === b.toLowerCase()
}
