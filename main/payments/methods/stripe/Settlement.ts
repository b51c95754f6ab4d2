import { createHash } from 'node:crypto'
import Stripe from 'stripe'
import * as StripeApi from '../../StripeApi.js'

/**
 * What a card payment really took, whatever the seller answered: the Shared Payment Token is
 * revoked, so that nothing more can be captured with it, then read back, and its
 * `usage_details.amount_captured` is what the seller took. A refusal, a receipt or its `pi_…`
 * prove nothing; a seller may keep a refused token and charge it later, or capture less.
 * The token is a bearer secret: it is sent to Stripe and appears in no problem text.
 */

export type Verdict =
  /** `amount` in minor units of `currency`. */
  | { status: 'captured'; amount: bigint; currency: string }
  | { status: 'nothing_captured' }
  /** Stripe could not say (unreachable, a key that stopped working, an odd answer): try again later. */
  | { status: 'unknown'; problem: string }

/** Revokes the token, then reads it. Never throws. */
export async function settle(client: Stripe, parameters: settle.Parameters): Promise<Verdict> {
  const { mode, token, currency } = parameters
  const options = { apiVersion: StripeApi.previewVersion }
  let refused: string | undefined
  try {
    await client.rawRequest('POST', paths[mode].revoke(token), {}, { ...options, idempotencyKey: idempotencyKey(token) })
  } catch (error) {
    // A token already consumed, expired or revoked cannot be revoked: reading it says which.
    if (!(error instanceof Stripe.errors.StripeInvalidRequestError)) return unknown(error, token)
    refused = problem(error, token)
  }
  let read: Token
  try {
    read = await client.rawRequest('GET', paths[mode].retrieve(token), {}, options)
  } catch (error) {
    return unknown(error, token)
  }
  return verdict(read, currency, refused)
}

export declare namespace settle {
  type Parameters = {
    /** The mode of the key that issued the token (test tokens are granted, live ones issued). */
    mode: StripeApi.Mode
    /** The `spt_…` the seller was given. */
    token: string
    /** The charge's ISO currency. */
    currency: string
  }
}

/**
 * The sentence for a seller's refusal (`problem.detail` of its -32043) when it is a card failure.
 * mppx 0.11's stripe charge puts the message of the error Stripe answered the PaymentIntent with
 * into it ("Payment verification failed: Stripe PaymentIntent failed: Your card has insufficient
 * funds.."), without the decline code, so Stripe's own card messages are what can be read.
 */
export function cardFailure(detail: string | undefined): string | undefined {
  if (!detail) return undefined
  return cardMessages.find(([pattern]) => pattern.test(detail))?.[1]
}

// Most specific first: Stripe's message for a card needing authentication starts as a plain decline.
const cardMessages: [RegExp, string][] = [
  // mppx's words for a PaymentIntent left in `requires_action`.
  [/This transaction requires authentication|Stripe PaymentIntent requires action/i, 'the card needs authentication (3-D Secure)'],
  [/Your card has insufficient funds/i, 'the card was declined (insufficient funds)'],
  [/Your card has expired/i, 'the card has expired'],
  [/Your card was declined/i, 'the card was declined'],
]

type Token = {
  deactivated_reason?: string | null
  usage_details?: { amount_captured?: { value?: unknown; currency?: unknown } | null } | null
}

// Test mode has no issued tokens: the test helper grants them, and a granted token is read as such.
const paths: Record<StripeApi.Mode, { revoke(token: string): string; retrieve(token: string): string }> = {
  test: {
    revoke: (token) => `/v1/test_helpers/shared_payment/granted_tokens/${encodeURIComponent(token)}/revoke`,
    retrieve: (token) => `/v1/shared_payment/granted_tokens/${encodeURIComponent(token)}`,
  },
  live: {
    revoke: (token) => `/v1/shared_payment/issued_tokens/${encodeURIComponent(token)}/revoke`,
    retrieve: (token) => `/v1/shared_payment/issued_tokens/${encodeURIComponent(token)}`,
  },
}

function verdict(token: Token, currency: string, refused: string | undefined): Verdict {
  const captured = token.usage_details?.amount_captured
  const value = captured?.value
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < 0) return { status: 'unknown', problem: 'Stripe did not say how much was captured with the token' }
  const reason = token.deactivated_reason
  // Still active: more could be captured after this reading.
  if (!reason) return { status: 'unknown', problem: refused ? `Stripe did not revoke the token: ${refused}` : 'Stripe still shows the token active' }
  if (value > 0) {
    if (typeof captured?.currency !== 'string' || captured.currency.toLowerCase() !== currency.toLowerCase()) {
      return { status: 'unknown', problem: `Stripe shows an amount captured in ${String(captured?.currency).slice(0, 8)}, not in ${currency}` }
    }
    return { status: 'captured', amount: BigInt(value), currency: captured.currency.toLowerCase() }
  }
  if (reason === 'revoked' || reason === 'expired') return { status: 'nothing_captured' }
  // Used by the seller yet nothing captured: an authorization may still be captured.
  return { status: 'unknown', problem: `Stripe shows the token ${String(reason).slice(0, 20)} with nothing captured yet` }
}

function unknown(error: unknown, token: string): Verdict {
  return { status: 'unknown', problem: problem(error, token) }
}

/** Stripe's error as one clause; its messages can quote the request's URL or the id, so every token is masked. */
function problem(error: unknown, token: string): string {
  const explained = StripeApi.explain(error)
  const text = explained instanceof Error ? explained.message : String(explained)
  return text.split(token).join('spt_…').replace(/spt_[0-9A-Za-z_]+/g, 'spt_…')
}

/** Revoking the same token twice is one revocation, also across attempts to settle it. */
function idempotencyKey(token: string): string {
  return `allowance-spt-revoke-${createHash('sha256').update(token).digest('hex')}`
}
