import { EVM_NETWORK_CHAIN_ID_MAP } from '@x402/evm/v1'
import { isAddress } from 'viem/utils'
import * as ChallengeFields from '../../ChallengeFields.js'
import type * as Payment from '../../Payment.js'
import type * as Method from '../Method.js'
import type * as Offer from './Offer.js'

/**
 * An x402 offer (one `accepts` entry, in the envelope Offer.ts makes): an ERC-20 on an EVM chain
 * named by CAIP-2 (`eip155:8453`; v1 names it, `base`), paid to `payTo` by the `exact` scheme
 * (an EIP-3009 authorization) or the `upto` scheme (a Permit2 permit for at most the amount).
 * Chain, token, decimals and signing domain come from Allowance's registry: a server's network
 * that does not hold its asset, an asset the registry does not know, a `decimals` or domain that
 * contradicts it, a `payTo` that is not an address, or a timeout that is not a whole number of
 * seconds is refused before anything is signed.
 *
 * @example
 * check({ method: 'x402', currency: '0x8335…', request: { recipient: '0x2096…' },
 *   details: { x402Version: 2, scheme: 'exact', network: 'eip155:8453', maxTimeoutSeconds: 60, accepted: { extra: { name: 'USD Coin', version: '2' } } }, … })
 * // → { currency: <USDC on Base>, recipient: '0x2096…', chainId: 8453, splits: [], scheme: 'exact' }
 */
export function check(parameters: Method.check.Parameters): Method.check.ReturnType {
  const { request, registry, currency } = parameters
  const details = parameters.details as Partial<Offer.Details>
  if (typeof details.problem === 'string') ChallengeFields.invalid(details.problem)
  const version = details.x402Version
  const scheme = details.scheme
  if (scheme !== 'exact' && scheme !== 'upto') ChallengeFields.unsupported(`Allowance pays the x402 "exact" and "upto" schemes, not ${JSON.stringify(String(scheme).slice(0, 40))}.`)
  if (version === 1 && scheme !== 'exact') ChallengeFields.unsupported('Allowance pays x402 version 1 offers in the "exact" scheme only.')
  const chainId = chainOf(details.network, version)
  const { entry } = ChallengeFields.token({ method: 'evm', currency, details: { chainId }, registry })
  const recipient = ChallengeFields.address(request.recipient, 'payTo')
  const timeout = details.maxTimeoutSeconds
  if (!Number.isSafeInteger(timeout) || (timeout as number) <= 0) ChallengeFields.invalid('The x402 offer\'s maxTimeoutSeconds is not a positive whole number of seconds.')
  const extra = extraOf(details.accepted)
  if (entry.kind !== 'token') ChallengeFields.invalid(`The currency ${currency} is not a token.`)
  if (scheme === 'exact') {
    const transfer = extra.assetTransferMethod
    if (transfer !== undefined && transfer !== 'eip3009') ChallengeFields.unsupported(`Allowance pays x402 "exact" offers by EIP-3009 authorization only, not by ${JSON.stringify(String(transfer).slice(0, 40))}.`)
    // The signature's domain is the registry's; a server naming another one is wrong about the token.
    const { name, version: domainVersion } = extra
    if (entry.eip712 && ((name !== undefined && name !== entry.eip712.name) || (domainVersion !== undefined && domainVersion !== entry.eip712.version))) {
      ChallengeFields.invalid(
        `The server names ${entry.symbol}'s signing domain ${JSON.stringify(String(name))} version ${JSON.stringify(String(domainVersion))}; Allowance knows it as ${JSON.stringify(entry.eip712.name)} version ${JSON.stringify(entry.eip712.version)}.`,
      )
    }
  } else {
    // Only the facilitator the permit names may settle it.
    const facilitator = extra.facilitatorAddress
    if (typeof facilitator !== 'string' || !isAddress(facilitator)) ChallengeFields.invalid('The x402 "upto" offer names no valid facilitatorAddress.')
  }
  return { currency: entry, recipient, chainId, splits: [], scheme: scheme as Payment.Scheme }
}

/** `eip155:<id>` (v2; v1 accepts it too), or a v1 network name (`base-sepolia`). */
function chainOf(network: unknown, version: unknown): number {
  if (typeof network !== 'string' || network.length === 0 || network.length > 64) ChallengeFields.invalid('The x402 offer names no network.')
  const caip = /^eip155:([1-9][0-9]{0,15})$/.exec(network)
  if (caip) {
    const chainId = Number(caip[1])
    if (Number.isSafeInteger(chainId)) return chainId
  }
  if (version === 1 && Object.hasOwn(EVM_NETWORK_CHAIN_ID_MAP, network)) return EVM_NETWORK_CHAIN_ID_MAP[network as keyof typeof EVM_NETWORK_CHAIN_ID_MAP]
  if (/^[-a-z0-9]{3,8}:/.test(network) && !network.startsWith('eip155:')) ChallengeFields.unsupported(`Allowance pays x402 on EVM chains only, not on ${JSON.stringify(network)}.`)
  ChallengeFields.invalid(`The x402 network ${JSON.stringify(network)} is not an EVM chain Allowance can name.`)
}

function extraOf(accepted: unknown): Record<string, unknown> {
  const extra = (accepted as { extra?: unknown } | undefined)?.extra
  if (extra === undefined) return {}
  return ChallengeFields.record(extra, 'The x402 offer\'s extra is not a JSON object.')
}
