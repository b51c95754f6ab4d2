import {
  createPublicClient,
  getAddress,
  isAddress,
  isAddressEqual,
  parseAbiItem,
  parseEventLogs,
  type Address,
  type Hex,
  type PublicClient,
  type TransactionReceipt,
} from 'viem'
import * as Settlement from '../../Settlement.js'

/**
 * Whether an `evm` charge (an EIP-3009 `transferWithAuthorization` signed by the wallet and submitted
 * by the server's relayer) happened on chain. The server's receipt reference is only a hint: the
 * transaction that counts is the one whose logs show the token using this authorization and moving
 * the amount from the payer to the recipient. The relayer pays the gas, so there is no fee.
 */

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
const authorizationUsed = parseAbiItem('event AuthorizationUsed(address indexed authorizer, bytes32 indexed nonce)')
const authorizationState = parseAbiItem('function authorizationState(address authorizer, bytes32 nonce) view returns (bool)')

/** The last second a Date can show (year 275760); later expiries read as "until it expires". */
const maxDateSeconds = 8_640_000_000_000n


/** What a signed authorization commits to: all public (the signature, which is not, stays out). */
export type Evidence = { from: Address; to: Address; value: bigint; nonce: Hex; validBefore: bigint }

/** The authorization in an mppx `evm` credential payload, or undefined when the payload is not one. */
export function evidence(credential: { payload: unknown }): Evidence | undefined {
  const { payload } = credential
  if (typeof payload !== 'object' || payload === null) return undefined
  const { type, from, to, value, nonce, validBefore } = payload as Record<string, unknown>
  if (type !== 'authorization' || !isAddressText(from) || !isAddressText(to) || !Settlement.isBytes32(nonce) || !isInteger(value) || !isInteger(validBefore)) return undefined
  return { from: getAddress(from), to: getAddress(to), value: BigInt(value), nonce, validBefore: BigInt(validBefore) }
}

/** Never throws: a node that cannot say is a `pending` verdict. */
export function confirm(parameters: confirm.Parameters): Promise<Settlement.Verdict> {
  return Settlement.check(parameters, async () => {
    const client = createPublicClient({ transport: Settlement.transport(parameters) })
    const { reference } = parameters
    const named = Settlement.isBytes32(reference) ? await receiptOf(client, reference) : undefined
    if (named && usesAuthorization(named, parameters)) return judge(named, parameters)
    const used = await client.readContract({ address: parameters.token, abi: [authorizationState], functionName: 'authorizationState', args: [parameters.payer, parameters.nonce] })
    if (used) {
      const found = await find(client, parameters)
      if (found) return judge(found, parameters)
      return Settlement.pending(`The authorization is marked used on chain, but no transaction using it was found in the last ${Settlement.lookbackBlocks} blocks (it may have been canceled).`)
    }
    if (named) return Settlement.mismatch(`${namedProblem(named)}, and the ${unused(parameters)}`)
    return Settlement.pending(`The ${unused(parameters)}`, { unused: true })
  })
}

export declare namespace confirm {
  type Parameters = {
    rpcUrl: string
    /** The EIP-3009 token contract. */
    token: Address
    payer: Address
    recipient: Address
    /** Atomic units. */
    amount: bigint
    /** The authorization's nonce (bytes32). */
    nonce: Hex
    /** When the authorization stops being usable (unix seconds), to say so while it is unused. */
    validBefore?: bigint | undefined
    /** The server's receipt reference: should be the transaction hash, but is not trusted. */
    reference?: string | undefined
    timeoutMs?: number | undefined
  }
}

function judge(receipt: TransactionReceipt, parameters: confirm.Parameters): Settlement.Verdict {
  if (receipt.status !== 'success') return Settlement.mismatch(`The transaction ${Settlement.short(receipt.transactionHash)} reverted.`)
  if (!transfers(receipt, parameters)) return Settlement.mismatch(`The transaction ${Settlement.short(receipt.transactionHash)} does not transfer ${what(parameters)}.`)
  return { status: 'confirmed', transaction: receipt.transactionHash, block: receipt.blockNumber }
}

/** The transaction that used the authorization, found by the token's `AuthorizationUsed` event. */
async function find(client: PublicClient, parameters: confirm.Parameters): Promise<TransactionReceipt | undefined> {
  const latest = await client.getBlockNumber()
  const logs = await client.getLogs({
    address: parameters.token,
    event: authorizationUsed,
    args: { authorizer: parameters.payer, nonce: parameters.nonce },
    fromBlock: latest > Settlement.lookbackBlocks ? latest - Settlement.lookbackBlocks : 0n,
    toBlock: latest,
  })
  const hash = logs.at(-1)?.transactionHash
  return hash ? receiptOf(client, hash) : undefined
}

function receiptOf(client: PublicClient, hash: Hex): Promise<TransactionReceipt | undefined> {
  return Settlement.receiptOrNone(client.getTransactionReceipt({ hash }))
}

function usesAuthorization(receipt: TransactionReceipt, { token, payer, nonce }: confirm.Parameters): boolean {
  const logs = parseEventLogs({ abi: [authorizationUsed], logs: receipt.logs, args: { authorizer: payer, nonce } })
  return logs.some((log) => isAddressEqual(log.address, token))
}

function transfers(receipt: TransactionReceipt, { token, payer, recipient, amount }: confirm.Parameters): boolean {
  const logs = parseEventLogs({ abi: [transfer], logs: receipt.logs, args: { from: payer, to: recipient } })
  return logs.some((log) => isAddressEqual(log.address, token) && log.args.value === amount)
}

function namedProblem(receipt: TransactionReceipt): string {
  const transaction = `The transaction ${Settlement.short(receipt.transactionHash)} named by the server`
  return receipt.status === 'success' ? `${transaction} does not use this authorization` : `${transaction} reverted`
}

function unused(parameters: confirm.Parameters): string {
  const { validBefore } = parameters
  const until = validBefore === undefined || validBefore > maxDateSeconds ? 'it expires' : new Date(Number(validBefore) * 1000).toISOString()
  return `authorization to transfer ${what(parameters)} has not been used on chain; it stays usable until ${until}.`
}

function what({ amount, token, payer, recipient }: confirm.Parameters): string {
  return `${amount} atomic units of ${token} from ${payer} to ${recipient}`
}

function isAddressText(value: unknown): value is string {
  return typeof value === 'string' && isAddress(value, { strict: false })
}


function isInteger(value: unknown): value is string {
  return typeof value === 'string' && /^\d{1,78}$/.test(value)
}
