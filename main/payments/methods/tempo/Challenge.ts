import * as Amount from '../../Amount.js'
import * as ChallengeFields from '../../ChallengeFields.js'
import type * as Payment from '../../Payment.js'
import type * as Method from '../Method.js'

/**
 * A `tempo` charge: a TIP-20 on a Tempo chain, paid to `recipient` and up to ten splits. A charge
 * of amount 0 is an identity proof (mppx signs EIP-712 typed data instead of a transfer): it may
 * carry no splits, which would be money asked for under a proof's name.
 */

const maxSplits = 10

export function check(parameters: Method.check.Parameters): Method.check.ReturnType {
  const { request, details, amount } = parameters
  const { chainId, entry } = ChallengeFields.token(parameters)
  const recipient = ChallengeFields.address(request.recipient, 'recipient')
  if (amount === 0n && details.splits !== undefined) ChallengeFields.invalid('The challenge asks for an identity proof (amount 0) yet names splits to pay.')
  return { currency: entry, recipient, chainId, splits: checkSplits(details.splits, amount) }
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
