import * as ChallengeFields from '../../ChallengeFields.js'
import type * as Method from '../Method.js'

/**
 * A `stripe` charge: an ISO currency, paid with a Shared Payment Token granted to the seller's
 * Stripe profile (`methodDetails.networkId`): that is who is paid, and whom the user trusts or not.
 */
export function check(parameters: Method.check.Parameters): Method.check.ReturnType {
  const { method, currency, details, registry } = parameters
  const entry = registry.lookup({ method, currency })
  if (!entry) ChallengeFields.invalid(`The currency ${JSON.stringify(currency)} is unknown to Allowance.`)
  if (typeof details.networkId !== 'string' || details.networkId.length === 0) ChallengeFields.invalid('The Stripe challenge has no networkId.')
  const recipient = ChallengeFields.text(details.networkId, 'methodDetails.networkId', 255)
  return { currency: entry, recipient, splits: [] }
}
