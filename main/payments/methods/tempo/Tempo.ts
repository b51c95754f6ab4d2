import type { Address, Hex } from 'viem'
import * as Chains from '../../Chains.js'
import * as Settlement from '../../Settlement.js'
import type * as Method from '../Method.js'
import * as Mpp from '../Mpp.js'
import * as OnChain from '../OnChain.js'
import * as AccessKey from './AccessKey.js'
import * as Challenge from './Challenge.js'
import * as Charges from './Charges.js'
import * as Sign from './Sign.js'
import * as TempoSettlement from './Settlement.js'

/**
 * `tempo`: a TIP-20 transfer (with splits) the wallet signs on a Tempo chain; the server broadcasts
 * it (pull) or the wallet does while signing (push). The wallet pays the network fee, in a
 * stablecoin, unless the server sponsors it. A charge of amount 0 is an identity proof (an EIP-712
 * signature, no transfer). Sessions: calls paid by vouchers over a channel in an escrow contract
 * (Channel.ts); the companion signs them with the channel's state (companion/Sessions.ts), and this
 * method confirms their deposits and top-ups like transfers to the escrow. A subscription is a key
 * authorization for the server's access key, which then charges each period from the wallet's
 * account; revoking the key cancels it on chain.
 */
const chargeSign = Mpp.sign(Sign.client)

export const method: Method.Method<'tempo'> = {
  name: 'tempo',
  intents: ['charge', 'session', 'subscription'],
  protocol: 'mpp',
  paysWith: 'wallet',
  proves: true,
  check: Challenge.check,
  describe: OnChain.describe,
  canSign: Sign.canSign,
  async sign(parameters) {
    if (parameters.payment.intent === 'session') throw new Error('A session call is signed with its channel, not as a charge.')
    return chargeSign(parameters)
  },
  broadcasts: (parameters) => Sign.mode(parameters) === 'push',
  // A subscription's first charge is a transfer the server makes with the wallet's authorization: found by its memo's challenge nonce.
  track: (parameters) =>
    OnChain.evidence(parameters, parameters.payment.subscription ? { challengeNonce: TempoSettlement.challengeNonce(parameters.payment.challengeId) } : TempoSettlement.evidence(parameters.credential)),
  async confirm(parameters) {
    const target = OnChain.target(parameters)
    if ('finding' in target) return target.finding
    const { evidence, payment, reference } = parameters
    const transaction = evidence.transaction as Hex | undefined
    const memo = evidence.memo as Hex | undefined
    // A session's deposit or top-up is a transfer of its amount into the channel's escrow.
    if (typeof evidence.escrow === 'string') {
      const { rpcUrl, chainId, currency, payer } = target
      const payments = [{ recipient: evidence.escrow as Address, amount: payment.amount }]
      return Settlement.finding(await TempoSettlement.confirm({ rpcUrl, chainId, currency, payer, payments, transaction, reference }), payment.amount, undefined)
    }
    const challengeNonce = evidence.challengeNonce as Hex | undefined
    const splits = ((evidence.splits ?? []) as { recipient: Address; amount: string }[]).map((split) => ({ recipient: split.recipient, amount: BigInt(split.amount) }))
    const primary = payment.amount - splits.reduce((sum, split) => sum + split.amount, 0n)
    const { rpcUrl, chainId, currency, payer, recipient } = target
    const payments = [{ recipient, amount: primary }, ...splits]
    const verdict = await TempoSettlement.confirm({ rpcUrl, chainId, currency, payer, payments, transaction, memo, challengeNonce, reference })
    return Settlement.finding(verdict, payment.amount, undefined)
  },
  async cancelSubscription({ subscription, account, rpc }) {
    const { chainId, rpcUrl } = node(subscription.currency, rpc, 'the access key cannot be revoked')
    const revocation = await AccessKey.revoke({ account, accessKey: subscription.accessKey as Address, chainId, rpcUrl })
    if (revocation.status === 'revoked') return `The wallet revoked the server's access key on chain (${Settlement.short(revocation.transaction)}): it can charge no more.`
    if (revocation.status === 'already_revoked') return "The server's access key was already revoked on chain: it can charge no more."
    return "The chain never authorized the server's access key (the subscription was not activated): it cannot charge."
  },
  subscriptionCharges({ subscription, payer, rpc }) {
    const { chainId, rpcUrl } = node(subscription.currency, rpc, "the server's charges cannot be looked up")
    const [, token] = subscription.currency.split(':') as [string, Address]
    return Charges.find({ rpcUrl, chainId, currency: token, payer: payer as Address, recipient: subscription.recipient as Address, accessKey: subscription.accessKey as Address })
  },
  async estimateFee({ payment, rpc, payer }) {
    // A voucher costs no fee; a session's open or top-up transaction has its fee booked once confirmed.
    if (payment.intent === 'session') return undefined
    const { chainId, currency, recipient, amount } = payment
    const rpcUrl = chainId === undefined ? undefined : Chains.rpcUrlFor(chainId, rpc)
    if (!rpcUrl || !payer || chainId === undefined || currency.kind !== 'token' || !recipient) return undefined
    return TempoSettlement.estimateFee({ rpcUrl, chainId, currency: currency.address as Address, payer: payer as Address, recipient: recipient as Address, amount }).catch(() => undefined)
  },
}

/** The chain of a ledger currency key (`<chainId>:<address>`) and the user's node for it; throws a sentence ending in `otherwise` when there is none. */
function node(currency: string, rpc: Readonly<Record<string, string>>, otherwise: string): { chainId: number; rpcUrl: string } {
  const chainId = Number(currency.split(':')[0])
  const rpcUrl = Chains.rpcUrlFor(chainId, rpc)
  if (!rpcUrl) throw new Error(`No RPC endpoint is configured for ${Chains.withId(chainId)}, so ${otherwise}.`)
  return { chainId, rpcUrl }
}
