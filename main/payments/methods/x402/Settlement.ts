import { createPublicClient, decodeFunctionData, isAddressEqual, parseAbiItem, parseEventLogs, type Address, type Hex, type PublicClient, type TransactionReceipt } from 'viem'
import * as Settlement from '../../Settlement.js'

/**
 * Whether an x402 `upto` payment happened on chain, and for how much. The wallet signed a Permit2
 * permit for at most the approved ceiling, bound to the recipient and to the facilitator that may
 * settle it through x402's upto proxy; the server reports what it settled. Only the chain counts:
 * the settlement is the transaction that called the upto proxy with this permit (its owner, nonce,
 * token and recipient), which the server's reference names or, when it names another one or none,
 * a search of the token's transfers to the recipient finds. It must succeed and move between one
 * atomic unit and the ceiling from the payer to the recipient; what it moved is what the ledger
 * books (and what the budget keeps), whatever amount the server's response claims. A permit the
 * chain shows unused can still be settled until its deadline; one unused past it moved nothing.
 *
 * (`exact` payments are EIP-3009 authorizations: the evm method's check, evm/Settlement.ts, finds them.)
 */

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
const nonceBitmap = parseAbiItem('function nonceBitmap(address owner, uint256 wordPosition) view returns (uint256)')
/** The most transactions paying the recipient that a search reads before giving up for this look. */
const maxCandidates = 50

/** A chain check's verdict (Settlement.ts), with what a confirmed settlement moved. */
export type Verdict =
  | { status: 'confirmed'; transaction: Hex; block: bigint; amount: bigint }
  | { status: 'pending'; problem: string; unused?: true | undefined }
  | { status: 'mismatch'; problem: string }

const mismatch = (problem: string): Verdict => ({ status: 'mismatch', problem })
const pending = (problem: string, options: { unused?: true } = {}): Verdict => ({ status: 'pending', problem, ...options })

/** Never throws: a node that cannot say is a `pending` verdict. */
export function confirmUpto(parameters: confirmUpto.Parameters): Promise<Verdict> {
  return Settlement.check<Verdict>(parameters, async () => {
    const client = createPublicClient({ transport: Settlement.transport(parameters) })
    const { reference, chainId } = parameters
    const { PERMIT2_ADDRESS } = await x402()
    const named = Settlement.isBytes32(reference) ? await Settlement.receiptOrNone(client.getTransactionReceipt({ hash: reference })) : undefined
    if (named && (await settlesPermit(client, named.transactionHash, parameters))) return judge(named, parameters)
    const until = `it stays usable until ${new Date(Number(parameters.deadline) * 1000).toISOString()}`
    if (((await client.getCode({ address: PERMIT2_ADDRESS })) ?? '0x') === '0x') {
      return pending(`Permit2 is not deployed on chain ${chainId}, so the permit has moved nothing; ${until}.`, { unused: true })
    }
    if (await spent(client, parameters)) {
      const found = await find(client, parameters)
      if (found) return judge(found, parameters)
      return pending(`The permit is spent in Permit2, but no settlement through x402's upto proxy using it was found among the last ${Settlement.lookbackBlocks} blocks' payments to ${parameters.recipient}.`)
    }
    const unused = `the permit for at most ${parameters.ceiling} atomic units of ${parameters.token} has not been used on chain; ${until}.`
    if (named) return mismatch(`The transaction ${Settlement.short(named.transactionHash)} named by the server does not settle this permit, and ${unused}`)
    return pending(`The ${unused}`, { unused: true })
  }) as Promise<Verdict> // the check's own fallback is a pending verdict
}

/** The settlement's verdict: it succeeded and moved at least one atomic unit and at most the ceiling. */
function judge(receipt: TransactionReceipt, parameters: confirmUpto.Parameters): Verdict {
  const transaction = `The transaction ${Settlement.short(receipt.transactionHash)} that settled the permit`
  if (receipt.status !== 'success') return mismatch(`${transaction} reverted.`)
  const moved = movedBy(receipt, parameters)
  if (moved === 0n) return mismatch(`${transaction} moves none of the payer's ${parameters.token} to ${parameters.recipient}: nothing was paid by it.`)
  if (moved > parameters.ceiling) return mismatch(`${transaction} moves ${moved} atomic units, more than the ${parameters.ceiling} approved.`)
  return { status: 'confirmed', transaction: receipt.transactionHash, block: receipt.blockNumber, amount: moved }
}

/** The settlement of this permit among the latest transactions that moved the token from the payer to the recipient, newest first. */
async function find(client: PublicClient, parameters: confirmUpto.Parameters): Promise<TransactionReceipt | undefined> {
  const { token, payer, recipient } = parameters
  const latest = await client.getBlockNumber()
  const from = latest > Settlement.lookbackBlocks ? latest - Settlement.lookbackBlocks : 0n
  const logs = await client.getLogs({ address: token, event: transfer, args: { from: payer, to: recipient }, fromBlock: from, toBlock: latest })
  const candidates = [...new Set(logs.map((log) => log.transactionHash))].reverse().slice(0, maxCandidates)
  for (const hash of candidates) {
    if (await settlesPermit(client, hash, parameters)) return Settlement.receiptOrNone(client.getTransactionReceipt({ hash }))
  }
  return undefined
}

/** Whether the transaction calls x402's upto proxy (`settle` or `settleWithPermit`) with this permit, for this recipient. */
async function settlesPermit(client: PublicClient, hash: Hex, { token, payer, recipient, nonce }: confirmUpto.Parameters): Promise<boolean> {
  const { x402UptoPermit2ProxyAddress, x402UptoPermit2ProxyABI } = await x402()
  // The hash comes from a receipt or a log the node has: the transaction exists.
  const transaction = await client.getTransaction({ hash })
  if (!transaction.to || !isAddressEqual(transaction.to, x402UptoPermit2ProxyAddress)) return false
  let call
  try {
    call = decodeFunctionData({ abi: x402UptoPermit2ProxyABI, data: transaction.input })
  } catch {
    return false
  }
  // settleWithPermit(permit2612, permit, amount, owner, witness, signature); settle drops the first.
  const settled = call.functionName === 'settle' ? call.args : call.functionName === 'settleWithPermit' ? ([call.args[1], call.args[2], call.args[3], call.args[4]] as const) : undefined
  if (!settled) return false
  const [permit, , owner, witness] = settled
  return permit.nonce === nonce && isAddressEqual(owner, payer) && isAddressEqual(permit.permitted.token, token) && isAddressEqual(witness.to, recipient)
}

export declare namespace confirmUpto {
  type Parameters = {
    rpcUrl: string
    chainId: number
    token: Address
    payer: Address
    recipient: Address
    /** The most the permit lets move (atomic units). */
    ceiling: bigint
    /** The permit's Permit2 nonce. */
    nonce: bigint
    /** When the permit stops being usable (unix seconds). */
    deadline: bigint
    /** The server's `x402/payment-response` transaction: a hint, never trusted. */
    reference?: string | undefined
    timeoutMs?: number | undefined
  }
}

/** What the transaction moved of the token from the payer to the recipient. */
export function movedBy(receipt: Pick<TransactionReceipt, 'logs'>, { token, payer, recipient }: Pick<confirmUpto.Parameters, 'token' | 'payer' | 'recipient'>): bigint {
  const logs = parseEventLogs({ abi: [transfer], logs: receipt.logs, args: { from: payer, to: recipient }, strict: true })
  return logs.filter((log) => isAddressEqual(log.address, token)).reduce((sum, log) => sum + log.args.value, 0n)
}

/** Permit2's unordered nonces: bit `nonce & 255` of word `nonce >> 8` is set once the permit is used. */
async function spent(client: PublicClient, { payer, nonce }: confirmUpto.Parameters): Promise<boolean> {
  const word = await client.readContract({ address: (await x402()).PERMIT2_ADDRESS, abi: [nonceBitmap], functionName: 'nonceBitmap', args: [payer, nonce >> 8n] })
  return ((word >> (nonce & 255n)) & 1n) === 1n
}

/** Permit2's canonical address, as @x402/evm names it. */
export async function permit2Address(): Promise<Address> {
  return (await x402()).PERMIT2_ADDRESS
}

/** @x402/evm's addresses and the upto proxy's ABI (loaded with the first check or upto payment: the CLI never needs the library). */
function x402() {
  return import('@x402/evm')
}
