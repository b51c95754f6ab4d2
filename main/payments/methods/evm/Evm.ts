import type { Hex } from 'viem'
import * as Settlement from '../../Settlement.js'
import type * as Method from '../Method.js'
import * as Mpp from '../Mpp.js'
import * as OnChain from '../OnChain.js'
import * as Challenge from './Challenge.js'
import * as EvmSettlement from './Settlement.js'
import * as Sign from './Sign.js'

/**
 * `evm`: an ERC-20 on an EVM chain, paid by an EIP-3009 authorization the wallet signs and the
 * server's relayer submits (and pays the gas for: no fee).
 */
export const method: Method.Method<'evm'> = {
  name: 'evm',
  intents: ['charge'],
  protocol: 'mpp',
  paysWith: 'wallet',
  check: Challenge.check,
  describe: OnChain.describe,
  canSign: Sign.canSign,
  sign: Mpp.sign(Sign.client),
  broadcasts: () => false,
  track: (parameters) => OnChain.evidence(parameters, EvmSettlement.evidence(parameters.credential)),
  async confirm(parameters) {
    const target = OnChain.target(parameters)
    if ('finding' in target) return target.finding
    const { evidence, payment, reference, refused } = parameters
    const nonce = evidence.nonce as Hex | undefined
    const validBefore = typeof evidence.validBefore === 'string' ? BigInt(evidence.validBefore) : undefined
    if (!nonce) return OnChain.nothingKept
    const { rpcUrl, currency: token, payer, recipient } = target
    const verdict = await EvmSettlement.confirm({ rpcUrl, token, payer, recipient, amount: payment.amount, nonce, validBefore, reference })
    return Settlement.finding(verdict, payment.amount, refused && validBefore !== undefined ? Number(validBefore) * 1000 : undefined)
  },
}
