import { createPublicClient, isAddressEqual, parseAbiItem, parseEventLogs, type Address, type Hex, type PublicClient, type TransactionReceipt } from 'viem'
import * as Settlement from '../../Settlement.js'

/**
 * Whether an x402 `upto` payment happened on chain, and for how much. The wallet signed a Permit2
 * permit for at most the approved ceiling, bound to the recipient and to the facilitator that may
 * settle it through x402's upto proxy; the server reports what it settled. Only the chain counts:
 * the transaction the server names must succeed, move between one atomic unit and the ceiling of
 * the token from the payer to the recipient, and the permit's nonce must be spent in Permit2. The
 * amount that moved is what the ledger books (and what the budget keeps). A permit the chain shows
 * unused can still be settled until its deadline; one unused past it moved nothing.
 *
 * (`exact` payments are EIP-3009 authorizations: the evm method's check, evm/Settlement.ts, finds them.)
 */

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
const nonceBitmap = parseAbiItem('function nonceBitmap(address owner, uint256 wordPosition) view returns (uint256)')

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
    const permit2 = ((await client.getCode({ address: await permit2Address() })) ?? '0x') !== '0x'
    const named = Settlement.isBytes32(reference) ? await Settlement.receiptOrNone(client.getTransactionReceipt({ hash: reference })) : undefined
    if (named) {
      const transaction = `The transaction ${Settlement.short(named.transactionHash)} named by the server`
      if (named.status !== 'success') return mismatch(`${transaction} reverted.`)
      const moved = movedBy(named, parameters)
      if (moved === 0n) return mismatch(`${transaction} moves none of the payer's ${parameters.token} to ${parameters.recipient}: nothing was paid by it.`)
      if (moved > parameters.ceiling) return mismatch(`${transaction} moves ${moved} atomic units, more than the ${parameters.ceiling} approved.`)
      if (!permit2 || !(await spent(client, parameters))) return mismatch(`${transaction} moves tokens, but the permit Allowance signed is not spent in Permit2.`)
      return { status: 'confirmed', transaction: named.transactionHash, block: named.blockNumber, amount: moved }
    }
    const until = `it stays usable until ${new Date(Number(parameters.deadline) * 1000).toISOString()}`
    if (!permit2) return pending(`Permit2 is not deployed on chain ${chainId}, so the permit has moved nothing; ${until}.`, { unused: true })
    if (await spent(client, parameters)) return pending('The permit is spent in Permit2, but the server named no transaction that moved the tokens.')
    return pending(`The permit for at most ${parameters.ceiling} atomic units of ${parameters.token} has not been used on chain; ${until}.`, { unused: true })
  }) as Promise<Verdict> // the check's own fallback is a pending verdict
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
  const word = await client.readContract({ address: await permit2Address(), abi: [nonceBitmap], functionName: 'nonceBitmap', args: [payer, nonce >> 8n] })
  return ((word >> (nonce & 255n)) & 1n) === 1n
}

/** Permit2's canonical address, as @x402/evm names it (loaded with the first check or upto payment: the CLI never needs the library). */
export async function permit2Address(): Promise<Address> {
  return (await import('@x402/evm')).PERMIT2_ADDRESS
}
