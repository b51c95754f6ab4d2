import { createHash } from 'node:crypto'
import type Stripe from 'stripe'
import * as StripeApi from './StripeApi.js'

/**
 * Issues the Shared Payment Token (SPT) that pays one `stripe` charge: usable once, for at most
 * the challenge's amount, in its currency, until it expires. The token is a credential: it is
 * returned to the caller and nowhere else (no log, no ledger, no error message).
 */
export async function issue(client: Stripe, parameters: issue.Parameters): Promise<string> {
  const { mode, paymentMethod, amount, currency, expiresAt, networkId, metadata, challengeId } = parameters
  const body: Record<string, unknown> = {
    payment_method: paymentMethod,
    usage_limits: { currency, max_amount: amount, expires_at: expiresAt },
    // Test mode grants to a network id; live mode issues to the seller's business profile.
    seller_details: mode === 'test' ? { network_id: networkId } : { network_business_profile: networkId },
    ...(metadata && Object.keys(metadata).length > 0 && { metadata }),
  }
  const path = mode === 'test' ? '/v1/test_helpers/shared_payment/granted_tokens' : '/v1/shared_payment/issued_tokens'
  let token: { id?: unknown }
  try {
    token = await client.rawRequest('POST', path, body, { apiVersion: StripeApi.previewVersion, idempotencyKey: idempotencyKey(challengeId) })
  } catch (error) {
    throw StripeApi.explain(error)
  }
  if (typeof token.id !== 'string' || !token.id.startsWith('spt_')) throw new StripeApi.CardError('unexpected_response', 'Stripe answered without a Shared Payment Token')
  return token.id
}

export declare namespace issue {
  type Parameters = {
    mode: StripeApi.Mode
    /** The card: a `pm_…` of the payer's account. */
    paymentMethod: string
    /** Minor units of `currency`, exactly the challenge's amount. */
    amount: string
    currency: string
    /** Unix seconds: when the challenge expires. */
    expiresAt: number
    /** The seller, from the challenge's `methodDetails.networkId`. */
    networkId: string
    metadata?: Record<string, string> | undefined
    /** The challenge paid, from which the idempotency key derives. */
    challengeId: string
  }
}

/**
 * The same challenge always gets the same key, so a second attempt to pay it (a retry after a
 * lost answer, a replayed challenge) gets the first token back from Stripe instead of a new one.
 */
export function idempotencyKey(challengeId: string): string {
  return `allowance-spt-${createHash('sha256').update(challengeId).digest('hex')}`
}
