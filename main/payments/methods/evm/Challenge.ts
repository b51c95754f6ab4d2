import * as ChallengeFields from '../../ChallengeFields.js'
import type * as Method from '../Method.js'

/**
 * An `evm` charge: an ERC-20 on an EVM chain, paid to `recipient`. mppx's evm client signs
 * EIP-3009 authorizations only, and the spec allows splits only with permit2.
 */
export function check(parameters: Method.check.Parameters): Method.check.ReturnType {
  const { request, details } = parameters
  const { chainId, entry } = ChallengeFields.token(parameters)
  const recipient = ChallengeFields.address(request.recipient, 'recipient')
  const types = details.credentialTypes
  if (types !== undefined && !(Array.isArray(types) && types.includes('authorization'))) {
    ChallengeFields.unsupported('The evm challenge does not accept EIP-3009 authorizations, the only kind Allowance signs.')
  }
  if (details.splits !== undefined) ChallengeFields.unsupported('Allowance cannot pay evm challenges with splits.')
  return { currency: entry, recipient, chainId, splits: [] }
}
