import { isAddress } from 'viem/utils'
import type * as TokenRegistry from './TokenRegistry.js'

/**
 * Reading a challenge's fields, shared by Challenge.ts (the envelope) and each payment method (its
 * own part of the request). A bad field throws a {@link Rejection} with one clear sentence, which
 * `Challenge.validate` turns into a result.
 */

export type Reason = 'invalid_challenge' | 'unsupported_method' | 'expired'

export class Rejection extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message)
  }
}

const zeroAddress = /^0x0{40}$/

export function record(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(message)
  return value as Record<string, unknown>
}

export function text(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0) invalid(`The challenge has no ${field}.`)
  if (value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) invalid(`The challenge ${field} is malformed.`)
  return value
}

export function address(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isAddress(value)) invalid(`The challenge ${field} is not a valid address.`)
  if (zeroAddress.test(value)) invalid(`The challenge ${field} is the zero address.`)
  return value
}

/**
 * A token challenge's chain (`methodDetails.chainId`) and currency (a token address), as the
 * registry knows them under `method`; a token known on other chains is named as such.
 */
export function token(parameters: token.Parameters): token.ReturnType {
  const { method, currency, details, registry } = parameters
  if (!Number.isSafeInteger(details.chainId) || (details.chainId as number) <= 0) {
    invalid('The challenge has no valid methodDetails.chainId.')
  }
  const chainId = details.chainId as number
  if (!isAddress(currency, { strict: false })) invalid(`The currency ${JSON.stringify(currency)} is not a token address.`)
  const entry = registry.lookup({ method, currency, chainId })
  if (!entry) {
    const elsewhere = registry.chainsOf(currency).filter((token) => token.method === method)
    if (elsewhere.length > 0) {
      const chains = elsewhere.map((token) => token.chainId).join(', ')
      invalid(`The currency ${currency} is known on chain${elsewhere.length > 1 ? 's' : ''} ${chains}, not on chain ${chainId}.`)
    }
    invalid(`The currency ${currency} on chain ${chainId} is unknown to Allowance.`)
  }
  return { chainId, entry }
}

export declare namespace token {
  type Parameters = { method: string; currency: string; details: Record<string, unknown>; registry: TokenRegistry.Registry }
  type ReturnType = { chainId: number; entry: TokenRegistry.Entry }
}

export function invalid(message: string): never {
  throw new Rejection('invalid_challenge', message)
}

export function unsupported(message: string): never {
  throw new Rejection('unsupported_method', message)
}

export function expired(message: string): never {
  throw new Rejection('expired', message)
}
