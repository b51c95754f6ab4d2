import { isAddress } from 'viem/utils'
import * as Amount from './Amount.js'
import * as TokenRegistry from './TokenRegistry.js'

/**
 * Validation of MPP challenges as received over MCP (`data.challenges[]`, `request` as an object).
 * Everything the companion shows, budgets or signs comes from the normalized {@link Payment},
 * whose amount, symbol and decimals come from the companion's token registry; the server's
 * `decimals` and `description` are never used for money.
 */

export type Reason = 'invalid_challenge' | 'unsupported_method' | 'expired'

/**
 * - `no_expiry`: the challenge has no `expires`, so nothing bounds how long it stays payable.
 * - `declared_decimals_mismatch`: the server declared decimals that differ from the registry's.
 * - `testnet`: the currency is a testnet token.
 */
export type Flag = 'no_expiry' | 'declared_decimals_mismatch' | 'testnet'

export type Split = { amount: bigint; recipient: string }

export type Payment = {
  challengeId: string
  realm: string
  method: TokenRegistry.Method
  intent: 'charge'
  /** Atomic units of `currency`. */
  amount: bigint
  currency: TokenRegistry.Entry
  /** Who is paid: an address, or for `stripe` the seller's Stripe profile (`networkId`). */
  recipient?: string | undefined
  chainId?: number | undefined
  /** Tempo splits; the primary recipient gets `amount − Σ splits`. */
  splits: readonly Split[]
  expires?: Date | undefined
  /** Server-supplied display text. Untrusted: show it as the server's words, never rely on it. */
  description?: string | undefined
  flags: readonly Flag[]
  /** `usd` (micro-USD) for USD-pegged currencies, else the currency key (atomic units). */
  budgetUnit: string
  budgetAmount: bigint
}

export type Result = { ok: true; payment: Payment } | { ok: false; reason: Reason; message: string }

const methods = ['evm', 'tempo', 'stripe'] as const
const maxSplits = 10
const maxChallengeBytes = 16 * 1024
const zeroAddress = /^0x0{40}$/

class Rejection extends Error {
  constructor(
    readonly reason: Reason,
    message: string,
  ) {
    super(message)
  }
}

/** Validates one challenge. Never throws: bad input is a `{ ok: false }` result with one clear sentence. */
export function validate(challenge: unknown, options: validate.Options): Result {
  try {
    return { ok: true, payment: check(challenge, options) }
  } catch (error) {
    if (error instanceof Rejection) return { ok: false, reason: error.reason, message: error.message }
    if (error instanceof Amount.InvalidAmountError) return { ok: false, reason: 'invalid_challenge', message: error.message }
    return { ok: false, reason: 'invalid_challenge', message: 'The payment challenge could not be read.' }
  }
}

export declare namespace validate {
  type Options = { now: Date; registry: TokenRegistry.Registry }
}

export type Candidate = { index: number; challenge: unknown; payment: Payment }
export type Rejected = { index: number; reason: Reason; message: string }

/**
 * Validates every alternative a server offered (at most 16 are considered). The accepted ones keep
 * the server's order and the raw challenge object, which is what a credential must echo.
 */
export function select(challenges: unknown, options: validate.Options): select.ReturnType {
  if (!Array.isArray(challenges) || challenges.length === 0) {
    const message = 'The server offered no payment challenges.'
    return { accepted: [], rejected: [{ index: 0, reason: 'invalid_challenge', message }] }
  }
  const accepted: Candidate[] = []
  const rejected: Rejected[] = []
  challenges.forEach((challenge, index) => {
    if (index >= 16) return rejected.push({ index, reason: 'invalid_challenge', message: 'The server offered too many alternatives.' })
    const result = validate(challenge, options)
    if (result.ok) accepted.push({ index, challenge, payment: result.payment })
    else rejected.push({ index, reason: result.reason, message: result.message })
  })
  return { accepted, rejected }
}

export declare namespace select {
  type ReturnType = { accepted: Candidate[]; rejected: Rejected[] }
}

/** Which rejection explains a set of rejected alternatives best: expired, then invalid, then unsupported. */
export function mostRelevant(rejected: readonly Rejected[]): Rejected | undefined {
  const rank: Record<Reason, number> = { expired: 0, invalid_challenge: 1, unsupported_method: 2 }
  return [...rejected].sort((a, b) => rank[a.reason] - rank[b.reason] || a.index - b.index)[0]
}

function check(value: unknown, { now, registry }: validate.Options): Payment {
  const challenge = record(value, 'The payment challenge is not a JSON object.')
  if (JSON.stringify(challenge).length > maxChallengeBytes) invalid('The payment challenge is larger than 16 KiB.')

  const id = text(challenge.id, 'id', 1024)
  const realm = text(challenge.realm, 'realm', 255)
  const method = text(challenge.method, 'method', 64)
  const intent = text(challenge.intent, 'intent', 64)
  if (!/^[a-z][a-z0-9:_-]*$/.test(method)) invalid(`The challenge method ${JSON.stringify(method)} is malformed.`)
  if (!/^[A-Za-z0-9-]+$/.test(intent)) invalid(`The challenge intent ${JSON.stringify(intent)} is malformed.`)
  if (intent !== 'charge') unsupported(`Allowance pays one-time charges only, not the "${intent}" intent.`)
  if (!isMethod(method)) unsupported(`Allowance cannot pay with the "${method}" payment method.`)

  const request = record(challenge.request, 'The challenge request is not a JSON object.')
  const details =
    request.methodDetails === undefined ? {} : record(request.methodDetails, 'The challenge methodDetails is not a JSON object.')
  const amount = Amount.parse(request.amount)
  if (amount === 0n) invalid('The challenge amount is zero.')
  if (typeof request.currency !== 'string' || request.currency.length === 0 || request.currency.length > 64) {
    invalid('The challenge currency is missing or malformed.')
  }
  const currency = request.currency as string

  const flags: Flag[] = []
  let chainId: number | undefined
  let recipient: string | undefined
  let entry: TokenRegistry.Entry | undefined
  if (method === 'stripe') {
    entry = registry.lookup({ method, currency })
    if (!entry) invalid(`The currency ${JSON.stringify(currency)} is unknown to Allowance.`)
    if (typeof details.networkId !== 'string' || details.networkId.length === 0) invalid('The Stripe challenge has no networkId.')
    // The card token is granted to the seller's Stripe profile: that is who is paid, and whom the user trusts or not.
    recipient = text(details.networkId, 'methodDetails.networkId', 255)
  } else {
    if (!Number.isSafeInteger(details.chainId) || (details.chainId as number) <= 0) {
      invalid('The challenge has no valid methodDetails.chainId.')
    }
    chainId = details.chainId as number
    if (!isAddress(currency, { strict: false })) invalid(`The currency ${JSON.stringify(currency)} is not a token address.`)
    entry = registry.lookup({ method, currency, chainId })
    if (!entry) {
      const elsewhere = registry.chainsOf(currency).filter((token) => token.method === method)
      if (elsewhere.length > 0) {
        const chains = elsewhere.map((token) => token.chainId).join(', ')
        invalid(`The currency ${currency} is known on chain${elsewhere.length > 1 ? 's' : ''} ${chains}, not on chain ${chainId}.`)
      }
      invalid(`The currency ${currency} on chain ${chainId} is unknown to Allowance.`)
    }
    recipient = address(request.recipient, 'recipient')
    if (method === 'evm') checkEvm(details)
  }

  if (details.decimals !== undefined && details.decimals !== entry.decimals) flags.push('declared_decimals_mismatch')
  if (entry.kind === 'token' && entry.testnet) flags.push('testnet')
  const splits = method === 'tempo' ? checkSplits(details.splits, amount) : []

  let expires: Date | undefined
  if (challenge.expires === undefined) flags.push('no_expiry')
  else {
    expires = timestamp(challenge.expires)
    if (expires.getTime() <= now.getTime()) expired(`The payment challenge expired at ${expires.toISOString()}.`)
  }

  const budgetUnit = TokenRegistry.budgetUnit(entry)
  return {
    challengeId: id,
    realm,
    method,
    intent: 'charge',
    amount,
    currency: entry,
    recipient,
    chainId,
    splits,
    expires,
    description: typeof challenge.description === 'string' ? displayText(challenge.description) : undefined,
    flags,
    budgetUnit,
    budgetAmount: budgetUnit === 'usd' ? Amount.toMicroUsd(amount, entry.decimals) : amount,
  }
}

// mppx's evm client signs EIP-3009 authorizations only, and the spec allows splits only with permit2.
function checkEvm(details: Record<string, unknown>) {
  const types = details.credentialTypes
  if (types !== undefined && !(Array.isArray(types) && types.includes('authorization'))) {
    unsupported('The evm challenge does not accept EIP-3009 authorizations, the only kind Allowance signs.')
  }
  if (details.splits !== undefined) unsupported('Allowance cannot pay evm challenges with splits.')
}

function checkSplits(value: unknown, amount: bigint): Split[] {
  if (value === undefined) return []
  if (!Array.isArray(value)) invalid('The challenge splits are not a list.')
  if (value.length > maxSplits) invalid(`The challenge has ${value.length} splits; at most ${maxSplits} are allowed.`)
  const splits = value.map((item, index): Split => {
    const split = record(item, `Split ${index + 1} is not a JSON object.`)
    if (split.currency !== undefined) invalid(`Split ${index + 1} names its own currency; splits must use the challenge's token.`)
    const splitAmount = Amount.parse(split.amount)
    if (splitAmount === 0n) invalid(`Split ${index + 1} has a zero amount.`)
    return { amount: splitAmount, recipient: address(split.recipient, `split ${index + 1} recipient`) }
  })
  const total = splits.reduce((sum, split) => sum + split.amount, 0n)
  if (total >= amount) invalid('The challenge splits add up to the whole amount or more.')
  return splits
}

function isMethod(method: string): method is TokenRegistry.Method {
  return (methods as readonly string[]).includes(method)
}

function record(value: unknown, message: string): Record<string, unknown> {
  if (typeof value !== 'object' || value === null || Array.isArray(value)) invalid(message)
  return value as Record<string, unknown>
}

function text(value: unknown, field: string, maxLength: number): string {
  if (typeof value !== 'string' || value.length === 0) invalid(`The challenge has no ${field}.`)
  if (value.length > maxLength || /[\u0000-\u001f\u007f]/.test(value)) invalid(`The challenge ${field} is malformed.`)
  return value
}

function address(value: unknown, field: string): string {
  if (typeof value !== 'string' || !isAddress(value)) invalid(`The challenge ${field} is not a valid address.`)
  if (zeroAddress.test(value)) invalid(`The challenge ${field} is the zero address.`)
  return value
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

function timestamp(value: unknown): Date {
  if (typeof value !== 'string' || !rfc3339.test(value)) invalid('The challenge expires is not an RFC 3339 timestamp.')
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) invalid('The challenge expires is not a valid date.')
  return date
}

/** Control characters removed, whitespace collapsed, at most 280 characters. */
function displayText(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > 280 ? `${clean.slice(0, 279)}…` : clean
}

function invalid(message: string): never {
  throw new Rejection('invalid_challenge', message)
}

function unsupported(message: string): never {
  throw new Rejection('unsupported_method', message)
}

function expired(message: string): never {
  throw new Rejection('expired', message)
}
