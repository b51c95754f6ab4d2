import type { Address, Hex } from 'viem'
import * as Settlement from '../../Settlement.js'
import * as EvmSettlement from '../evm/Settlement.js'
import type * as Method from '../Method.js'
import * as OnChain from '../OnChain.js'
import * as Challenge from './Challenge.js'
import * as Offer from './Offer.js'
import * as Sign from './Sign.js'
import * as UptoSettlement from './Settlement.js'

/**
 * `x402`: the x402 protocol's MCP binding, beside MPP. A server asks with a `PaymentRequired`
 * tool result (v1: a `402` error); each of its `accepts` entries becomes one alternative
 * (Offer.ts) that Allowance validates, prices, budgets and asks about like any other. It pays
 * ERC-20s on EVM chains, from the wallet: `exact` by an EIP-3009 authorization (found on chain as
 * the evm method finds its own), `upto` by a Permit2 permit for at most the amount, which the
 * server's facilitator settles for what was used (UptoSettlement). The relayer pays the gas.
 */
export const method: Method.Method<'x402'> = {
  name: 'x402',
  protocol: 'x402',
  intents: ['charge'],
  paysWith: 'wallet',
  check: Challenge.check,
  describe: (payment) => `x402 ${payment.scheme ?? 'exact'} · ${OnChain.describe(payment)}`,
  canSign: Sign.canSign,
  sign: Sign.sign,
  broadcasts: () => false,
  track: (parameters) => OnChain.evidence(parameters, Sign.evidence(parameters.credential.payload)),
  async confirm(parameters) {
    const target = OnChain.target(parameters)
    if ('finding' in target) return target.finding
    const { evidence, payment, reference, refused } = parameters
    const { rpcUrl, chainId, currency: token, payer, recipient } = target
    if (evidence.scheme === 'upto') {
      const [ceiling, nonce, deadline] = [evidence.ceiling, evidence.nonce, evidence.deadline].map((value) => (typeof value === 'string' && /^\d{1,78}$/.test(value) ? BigInt(value) : undefined))
      if (ceiling === undefined || nonce === undefined || deadline === undefined) return OnChain.nothingKept
      const verdict = await UptoSettlement.confirmUpto({ rpcUrl, chainId, token, payer, recipient, ceiling, nonce, deadline, reference })
      // An unused permit past its deadline moved nothing, whatever the server said it settled.
      if (verdict.status === 'confirmed') return { status: 'confirmed', transaction: verdict.transaction, amount: verdict.amount }
      return Settlement.finding(verdict, ceiling, Number(deadline) * 1000)
    }
    const nonce = evidence.nonce as Hex | undefined
    const validBefore = typeof evidence.validBefore === 'string' ? BigInt(evidence.validBefore) : undefined
    if (!nonce) return OnChain.nothingKept
    const verdict = await EvmSettlement.confirm({ rpcUrl, token: token as Address, payer, recipient, amount: payment.amount, nonce, validBefore, reference })
    return Settlement.finding(verdict, payment.amount, refused && validBefore !== undefined ? Number(validBefore) * 1000 : undefined)
  },
}

/** The alternatives an x402 `PaymentRequired` offers, in the envelope every method's challenges share. */
export const challenges = Offer.challenges
