import type { Address } from 'viem'
import * as Chains from '../Chains.js'
import * as Settlement from '../Settlement.js'
import type * as Method from './Method.js'

/** What the methods paid from the wallet on a chain (evm, tempo) share to keep and check their evidence. */

/** The ledger's evidence for a wallet credential: who paid, what the credential commits to, and every split. */
export function evidence(parameters: Method.track.Parameters, committed: object | undefined): Method.track.ReturnType {
  const { payer, payment } = parameters
  // The row records the primary recipient only; a check needs every transfer the payment makes.
  const splits = payment.splits.length ? { splits: payment.splits } : {}
  return { evidence: committed && Settlement.jsonSafe({ payer, ...committed, ...splits }) }
}

/** Where and what to look for on chain, or the finding that says why the payment cannot be checked. */
export function target(parameters: Method.confirm.Parameters): target.ReturnType | { finding: Settlement.Finding } {
  const { payment, evidence, rpc } = parameters
  const rpcUrl = payment.chainId === null ? undefined : Chains.rpcUrlFor(payment.chainId, rpc)
  if (!rpcUrl) return { finding: { status: 'mismatch', problem: `No RPC endpoint is configured for ${payment.chainId === null ? 'its chain' : Chains.withId(payment.chainId)}, so the payment cannot be checked.` } }
  // The ledger names a token `<chainId>:<address>`.
  const currency = (payment.currency.split(':')[1] ?? '') as Address
  const payer = (evidence.payer ?? evidence.from) as Address | undefined
  if (!payer) return { finding: nothingKept }
  return { rpcUrl, chainId: payment.chainId!, currency, recipient: payment.recipient as Address, payer }
}

export declare namespace target {
  type ReturnType = { rpcUrl: string; chainId: number; currency: Address; recipient: Address; payer: Address }
}

export const nothingKept: Settlement.Finding = { status: 'mismatch', problem: 'Allowance kept nothing to find this payment by on chain.' }

/** "USDC on Base Sepolia": a token paid from the wallet, by its chain's name. */
export function describe(payment: Method.describe.Payment): string {
  return payment.chainId === null || payment.chainId === undefined ? payment.symbol : `${payment.symbol} on ${Chains.name(payment.chainId)}`
}
