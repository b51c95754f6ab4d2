import * as Amount from './Amount.js'
import * as ChallengeFields from './ChallengeFields.js'
import * as Methods from './methods/Methods.js'
import * as X402 from './methods/x402/X402.js'
import type { Flag, Payment } from './Payment.js'
import * as TokenRegistry from './TokenRegistry.js'

/**
 * Validation of MPP challenges as received over MCP (`data.challenges[]`, `request` as an object),
 * and of x402 offers, which methods/x402/ first puts in the same envelope (method `x402`).
 * Everything the companion shows, budgets or signs comes from the normalized {@link Payment},
 * whose amount, symbol and decimals come from the companion's token registry; the server's
 * `decimals` and `description` are never used for money.
 */

export type Reason = ChallengeFields.Reason
export type { Flag, Payment, Scheme, Split } from './Payment.js'

export type Result = { ok: true; payment: Payment } | { ok: false; reason: Reason; message: string }

const maxChallengeBytes = 16 * 1024

/**
 * Validates one challenge. Never throws: bad input is a `{ ok: false }` result with one clear sentence.
 *
 * @example
 * ```ts
 * import * as Challenge from './Challenge.js'
 * import * as TokenRegistry from './TokenRegistry.js'
 *
 * const challenge = {
 *   id: 'ch_1',
 *   realm: 'tools.example.com',
 *   method: 'evm',
 *   intent: 'charge',
 *   request: {
 *     amount: '10000',
 *     currency: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', // USDC on Base
 *     recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
 *     methodDetails: { chainId: 8453 },
 *   },
 * }
 * const result = Challenge.validate(challenge, { now: new Date(), registry: TokenRegistry.create() })
 * if (result.ok) result.payment.budgetAmount // 10000n micro-USD: $0.01
 * else result.message // one sentence, e.g. 'The challenge has no recipient.'
 * ```
 */
export function validate(challenge: unknown, options: validate.Options): Result {
  try {
    return { ok: true, payment: check(challenge, options) }
  } catch (error) {
    if (error instanceof ChallengeFields.Rejection) return { ok: false, reason: error.reason, message: error.message }
    if (error instanceof Amount.InvalidAmountError) return { ok: false, reason: 'invalid_challenge', message: error.message }
    return { ok: false, reason: 'invalid_challenge', message: 'The payment challenge could not be read.' }
  }
}

export declare namespace validate {
  type Options = { now: Date; registry: TokenRegistry.Registry }
}

/**
 * Every alternative a server offered, in one list: its MPP challenges as sent, then each entry of
 * its x402 `PaymentRequired` in the same envelope (method `x402`, see methods/x402/Offer.ts).
 */
export function alternatives(offer: { challenges: readonly unknown[]; x402?: unknown }, context: { upstream: string }): unknown[] {
  return [...offer.challenges, ...(offer.x402 === undefined ? [] : X402.challenges(offer.x402, context))]
}

export type Candidate = { index: number; challenge: unknown; payment: Payment }
export type Rejected = { index: number; reason: Reason; message: string }

/**
 * Validates every alternative a server offered (at most 16 are considered). The accepted ones keep
 * the server's order and the raw challenge object, which is what a credential must echo.
 *
 * @example
 * ```ts
 * import * as Challenge from './Challenge.js'
 * import * as TokenRegistry from './TokenRegistry.js'
 *
 * const challenge = {
 *   id: 'ch_1',
 *   realm: 'tools.example.com',
 *   method: 'evm',
 *   intent: 'charge',
 *   request: {
 *     amount: '10000',
 *     currency: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', // USDC on Base
 *     recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
 *     methodDetails: { chainId: 8453 },
 *   },
 * }
 * const { accepted, rejected } = Challenge.select([challenge, { ...challenge, id: 'ch_2', intent: 'session' }], { now: new Date(), registry: TokenRegistry.create() })
 * accepted.map((candidate) => candidate.payment.challengeId) // ['ch_1']
 * rejected[0]?.reason // 'unsupported_method'
 * ```
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

/**
 * Which rejection explains a set of rejected alternatives best: expired, then invalid, then unsupported.
 *
 * @example
 * ```ts
 * import * as Challenge from './Challenge.js'
 *
 * Challenge.mostRelevant([
 *   { index: 0, reason: 'unsupported_method', message: 'Allowance cannot pay with the "lightning" payment method.' },
 *   { index: 1, reason: 'expired', message: 'The payment challenge expired at 2026-03-04T10:00:00.000Z.' },
 * ])?.reason // 'expired'
 * ```
 */
export function mostRelevant(rejected: readonly Rejected[]): Rejected | undefined {
  const rank: Record<Reason, number> = { expired: 0, invalid_challenge: 1, unsupported_method: 2 }
  return [...rejected].sort((a, b) => rank[a.reason] - rank[b.reason] || a.index - b.index)[0]
}

function check(value: unknown, { now, registry }: validate.Options): Payment {
  const challenge = ChallengeFields.record(value, 'The payment challenge is not a JSON object.')
  if (JSON.stringify(challenge).length > maxChallengeBytes) ChallengeFields.invalid('The payment challenge is larger than 16 KiB.')

  const id = ChallengeFields.text(challenge.id, 'id', 1024)
  const realm = ChallengeFields.text(challenge.realm, 'realm', 255)
  const name = ChallengeFields.text(challenge.method, 'method', 64)
  const intent = ChallengeFields.text(challenge.intent, 'intent', 64)
  if (!/^[a-z][a-z0-9:_-]*$/.test(name)) ChallengeFields.invalid(`The challenge method ${JSON.stringify(name)} is malformed.`)
  if (!/^[A-Za-z0-9-]+$/.test(intent)) ChallengeFields.invalid(`The challenge intent ${JSON.stringify(intent)} is malformed.`)
  const method = Methods.find(name)
  if (!method) ChallengeFields.unsupported(`Allowance cannot pay with the "${name}" payment method.`)
  if (!method.intents.includes(intent)) ChallengeFields.unsupported(`Allowance pays ${describeIntents(method.intents)} with ${name}, not the "${intent}" intent.`)

  const request = ChallengeFields.record(challenge.request, 'The challenge request is not a JSON object.')
  const details =
    request.methodDetails === undefined ? {} : ChallengeFields.record(request.methodDetails, 'The challenge methodDetails is not a JSON object.')
  const amount = Amount.parse(request.amount)
  if (amount === 0n && (method.protocol === 'x402' || intent !== 'charge')) ChallengeFields.invalid('The challenge amount is zero.')
  // An MPP charge of amount 0 asks for an identity proof, which only some methods define (mppx 0.11: tempo).
  if (amount === 0n && !method.proves) ChallengeFields.unsupported(`A zero-amount challenge asks for an identity proof, which Allowance cannot give with the "${name}" payment method.`)
  if (typeof request.currency !== 'string' || request.currency.length === 0 || request.currency.length > 64) {
    ChallengeFields.invalid('The challenge currency is missing or malformed.')
  }
  const currency = request.currency as string

  // The method's own part: currency, recipient, chain, splits.
  const { currency: entry, recipient, chainId, splits, scheme, session, subscription } = method.check({ method: name, intent, request, details, amount, currency, registry })
  if (subscription && subscription.expires.getTime() <= now.getTime()) ChallengeFields.expired(`The subscription ended at ${subscription.expires.toISOString()}.`)

  const flags: Flag[] = []
  if (details.decimals !== undefined && details.decimals !== entry.decimals) flags.push('declared_decimals_mismatch')
  if (entry.kind === 'token' && entry.testnet) flags.push('testnet')

  let expires: Date | undefined
  // An x402 offer has no expiry of its own: the authorization Allowance signs for it lasts minutes.
  if (challenge.expires === undefined) {
    if (method.protocol === 'mpp') flags.push('no_expiry')
  }
  else {
    expires = timestamp(challenge.expires)
    if (expires.getTime() <= now.getTime()) ChallengeFields.expired(`The payment challenge expired at ${expires.toISOString()}.`)
  }

  const budgetUnit = TokenRegistry.budgetUnit(entry)
  return {
    kind: subscription ? 'subscription' : amount === 0n && !session ? 'proof' : 'payment',
    challengeId: id,
    realm,
    method: method.name,
    protocol: method.protocol,
    intent: session ? 'session' : subscription ? 'subscription' : 'charge',
    ...(session && { session }),
    ...(subscription && { subscription }),
    ...(scheme && { scheme }),
    amount,
    currency: entry,
    recipient,
    chainId,
    splits,
    expires,
    description: typeof challenge.description === 'string' ? displayText(challenge.description) : undefined,
    flags,
    budgetUnit,
    budgetAmount: Amount.toBudget(amount, entry.decimals, budgetUnit),
  }
}

/** "one-time charges" or "one-time charges and sessions": what a method's intents pay. */
function describeIntents(intents: readonly string[]): string {
  const words: Record<string, string> = { charge: 'one-time charges', session: 'sessions', subscription: 'subscriptions' }
  return intents.map((intent) => words[intent] ?? intent).join(' and ')
}

const rfc3339 = /^\d{4}-\d{2}-\d{2}[Tt]\d{2}:\d{2}:\d{2}(\.\d{1,9})?([Zz]|[+-]\d{2}:\d{2})$/

function timestamp(value: unknown): Date {
  if (typeof value !== 'string' || !rfc3339.test(value)) ChallengeFields.invalid('The challenge expires is not an RFC 3339 timestamp.')
  const date = new Date(value)
  if (Number.isNaN(date.getTime())) ChallengeFields.invalid('The challenge expires is not a valid date.')
  return date
}

/** Control characters removed, whitespace collapsed, at most 280 characters. */
function displayText(value: string): string {
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u202a-\u202e\u2066-\u2069]/g, ' ').replace(/\s+/g, ' ').trim()
  return clean.length > 280 ? `${clean.slice(0, 279)}…` : clean
}
