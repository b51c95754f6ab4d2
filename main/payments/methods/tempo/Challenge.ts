import * as Amount from '../../Amount.js'
import * as ChallengeFields from '../../ChallengeFields.js'
import type * as Payment from '../../Payment.js'
import type * as Method from '../Method.js'

/**
 * A `tempo` charge: a TIP-20 on a Tempo chain, paid to `recipient` and up to ten splits. A charge
 * of amount 0 is an identity proof (mppx signs EIP-712 typed data instead of a transfer): it may
 * carry no splits, which would be money asked for under a proof's name. A `tempo` session: a call
 * priced `amount`, paid by a voucher over a channel to `recipient` held in an escrow contract the
 * companion trusts for the chain (legacy protocol v1; the TIP-1034 precompile's v2 is not
 * supported). A `tempo` subscription: `amount` every period, to `recipient`, until it expires.
 */

const maxSplits = 10

export function check(parameters: Method.check.Parameters): Method.check.ReturnType {
  const { request, details, amount } = parameters
  const { chainId, entry } = ChallengeFields.token(parameters)
  const recipient = ChallengeFields.address(request.recipient, 'recipient')
  if (parameters.intent === 'session') return { currency: entry, recipient, chainId, splits: [], session: checkSession(parameters, chainId) }
  if (parameters.intent === 'subscription') return { currency: entry, recipient, chainId, splits: [], subscription: subscription(parameters) }
  if (amount === 0n && details.splits !== undefined) ChallengeFields.invalid('The challenge asks for an identity proof (amount 0) yet names splits to pay.')
  return { currency: entry, recipient, chainId, splits: checkSplits(details.splits, amount) }
}

function checkSession(parameters: Method.check.Parameters, chainId: number): Payment.Session {
  const { request, details, amount, registry } = parameters
  if (details.sessionProtocol !== undefined && details.sessionProtocol !== 'v1') {
    ChallengeFields.unsupported(`Allowance pays tempo sessions over an escrow contract (protocol v1), not protocol ${JSON.stringify(details.sessionProtocol)}.`)
  }
  if (details.splits !== undefined) ChallengeFields.invalid('A session challenge cannot have splits.')
  const trusted = registry.escrow(chainId)
  if (!trusted) ChallengeFields.unsupported(`Allowance trusts no session escrow contract on chain ${chainId}.`)
  const escrow = details.escrowContract === undefined ? trusted : ChallengeFields.address(details.escrowContract, 'escrowContract')
  if (escrow.toLowerCase() !== trusted.toLowerCase()) ChallengeFields.invalid(`The session escrow ${escrow} is not the one Allowance trusts on chain ${chainId}.`)
  const suggestedDeposit = request.suggestedDeposit === undefined ? undefined : Amount.parse(request.suggestedDeposit)
  return { escrow: trusted, price: amount, ...(suggestedDeposit !== undefined && { suggestedDeposit }) }
}

function checkSplits(value: unknown, amount: bigint): Payment.Split[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) ChallengeFields.invalid('The challenge splits are not a list.')
  if (value.length > maxSplits) ChallengeFields.invalid(`The challenge has ${value.length} splits; at most ${maxSplits} are allowed.`)
  const splits = value.map((item, index): Payment.Split => {
    const split = ChallengeFields.record(item, `Split ${index + 1} is not a JSON object.`)
    if (split.currency !== undefined) ChallengeFields.invalid(`Split ${index + 1} names its own currency; splits must use the challenge's token.`)
    const splitAmount = Amount.parse(split.amount)
    if (splitAmount === 0n) ChallengeFields.invalid(`Split ${index + 1} has a zero amount.`)
    return { amount: splitAmount, recipient: ChallengeFields.address(split.recipient, `split ${index + 1} recipient`) }
  })
  const total = splits.reduce((sum, split) => sum + split.amount, 0n)
  if (total >= amount) ChallengeFields.invalid('The challenge splits add up to the whole amount or more.')
  return splits
}

const periodUnits = { day: 86_400, week: 604_800, dev_second: 1 } as const

/**
 * A `tempo` subscription's terms (mppx's tempo subscription method): `amount` of the TIP-20 every
 * `periodCount` × `periodUnit`, until `subscriptionExpires`, charged by the server's access key
 * (`methodDetails.accessKey`) that the wallet authorizes. No splits: one recipient is paid.
 */
function subscription(parameters: Method.check.Parameters): Payment.Subscription {
  const { request, details } = parameters
  if (details.splits !== undefined) ChallengeFields.invalid('A subscription challenge cannot name splits.')
  const count = typeof request.periodCount === 'string' && /^[1-9][0-9]{0,5}$/.test(request.periodCount) ? Number(request.periodCount) : undefined
  if (count === undefined) ChallengeFields.invalid('The subscription period count is not a whole number from 1 to 999999.')
  const unit = request.periodUnit
  if (typeof unit !== 'string' || !Object.hasOwn(periodUnits, unit)) ChallengeFields.invalid('The subscription period unit is not day, week or dev_second.')
  const periodUnit = unit as keyof typeof periodUnits
  const expires = typeof request.subscriptionExpires === 'string' ? new Date(request.subscriptionExpires) : undefined
  if (!expires || Number.isNaN(expires.getTime())) ChallengeFields.invalid('The subscription has no valid end (subscriptionExpires).')
  const accessKey = ChallengeFields.record(details.accessKey, 'The subscription names no access key to authorize.')
  if (accessKey.keyType !== 'secp256k1' && accessKey.keyType !== 'p256' && accessKey.keyType !== 'webAuthn') ChallengeFields.invalid('The subscription access key has no known key type.')
  return { periodCount: count, periodUnit, periodSeconds: count * periodUnits[periodUnit], expires, accessKey: ChallengeFields.address(accessKey.accessKeyAddress, 'access key') }
}
