import { createPublicClient, isAddressEqual, parseAbiItem, type Address, type Hex } from 'viem'
import { tempoLocalnet } from 'viem/chains'
import * as Settlement from '../../Settlement.js'
import * as TempoSettlement from './Settlement.js'

/**
 * The charges a subscription's server made on chain: transfers from the wallet's account to the
 * recipient in the subscription's token, in transactions signed by the server's access key (a
 * Tempo keychain signature naming that key). That is what a renewal is, and the only thing the
 * access key can do; the wallet never signs them, so the chain is where Allowance learns of them.
 */
export type Charge = {
  transaction: Hex
  /** Atomic units of the token paid to the recipient. */
  amount: bigint
  /** The block's time (epoch ms). */
  at: number
  /** The network fee the wallet's account paid for it, when the chain shows one. */
  fee?: Settlement.Fee | undefined
  /** The transfer's memo, when it carried one (mppx binds it to the challenge or renewal it pays). */
  memo?: Hex | undefined
}

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 amount)')
const transferWithMemo = parseAbiItem('event TransferWithMemo(address indexed from, address indexed to, uint256 amount, bytes32 indexed memo)')

export async function find(parameters: find.Parameters): Promise<Charge[]> {
  const { rpcUrl, chainId, currency, payer, recipient, accessKey } = parameters
  const client = createPublicClient({ chain: { ...tempoLocalnet, id: chainId }, transport: Settlement.transport({ rpcUrl }) })
  if ((await client.getChainId()) !== chainId) throw new Error(`The node for chain ${chainId} answers for another chain.`)
  const latest = await client.getBlockNumber()
  const range = { address: currency, args: { from: payer, to: recipient }, fromBlock: latest > Settlement.lookbackBlocks ? latest - Settlement.lookbackBlocks : 0n, toBlock: latest }
  const [logs, memoLogs] = await Promise.all([client.getLogs({ ...range, event: transfer }), client.getLogs({ ...range, event: transferWithMemo })])
  const memos = new Map(memoLogs.map((log) => [log.transactionHash, log.args.memo]))
  const byTransaction = new Map<Hex, bigint>()
  for (const log of logs) byTransaction.set(log.transactionHash, (byTransaction.get(log.transactionHash) ?? 0n) + (log.args.amount ?? 0n))
  const charges: Charge[] = []
  for (const [hash, amount] of byTransaction) {
    const transaction = await client.getTransaction({ hash })
    const signature = (transaction as { signature?: { type?: string; keyId?: Address } }).signature
    if (signature?.type !== 'keychain' || !signature.keyId || !isAddressEqual(signature.keyId, accessKey)) continue
    const block = await client.getBlock({ blockHash: transaction.blockHash! })
    const verdict = await TempoSettlement.confirm({ rpcUrl, chainId, currency, payer, payments: [{ recipient, amount }], transaction: hash })
    const memo = memos.get(hash)
    charges.push({ transaction: hash, amount, at: Number(block.timestamp) * 1000, ...(memo && { memo }), ...(verdict.status === 'confirmed' && verdict.fee && { fee: verdict.fee }) })
  }
  return charges
}

export declare namespace find {
  type Parameters = { rpcUrl: string; chainId: number; currency: Address; payer: Address; recipient: Address; accessKey: Address }
}
