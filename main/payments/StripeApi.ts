import Stripe from 'stripe'

/**
 * The user's Stripe account as the card uses it: the real `stripe` SDK for a secret or restricted
 * key, the mode the key's prefix implies, and Stripe's errors turned into one sentence and the
 * error code Stripe gave. Keys are never part of a message.
 */

/** Shared Payment Tokens are in private preview: their endpoints need this API version. */
export const previewVersion = '2026-07-29.preview'

export type Mode = 'test' | 'live'

/**
 * `sk_test_…`/`rk_test_…` are test mode, `sk_live_…`/`rk_live_…` live; anything else is not a usable key.
 *
 * @example
 * ```ts
 * import * as StripeApi from './StripeApi.js'
 *
 * StripeApi.mode('rk_test_51Hx0000000000000') // 'test'
 * StripeApi.mode('pk_live_51Hx0000000000000') // throws: a publishable key cannot charge
 * ```
 */
export function mode(key: string): Mode {
  const match = /^(sk|rk)_(test|live)_[0-9A-Za-z]{8,255}$/.exec(key)
  if (!match) throw new Error('That is not a Stripe secret or restricted key (sk_test_…, sk_live_…, rk_test_… or rk_live_…).')
  return match[2] as Mode
}

/**
 * The SDK for a key. `apiBase` (settings.json `stripe.apiBase`) replaces https://api.stripe.com, e.g. for tests.
 *
 * @example
 * ```ts
 * import * as StripeApi from './StripeApi.js'
 *
 * const stripe = StripeApi.client('sk_test_51Hx0000000000000', { apiBase: 'http://127.0.0.1:12111' })
 * const method = await stripe.paymentMethods.retrieve('pm_card_visa')
 * ```
 */
export function client(key: string, options: { apiBase?: string | undefined } = {}): Stripe {
  const base = options.apiBase ? new URL(options.apiBase) : undefined
  return new Stripe(key, {
    // Every POST carries an idempotency key, so the SDK's own retries can never issue twice.
    maxNetworkRetries: 2,
    timeout: 20_000,
    telemetry: false,
    ...(base && { host: base.hostname, port: base.port || (base.protocol === 'http:' ? 80 : 443), protocol: base.protocol === 'http:' ? 'http' : 'https' }),
  })
}

/** A Stripe failure as the agent and the ledger see it: a clause and Stripe's code (or the error kind when it gave none). */
export class CardError extends Error {
  override name = 'CardError'
  constructor(
    readonly code: string,
    readonly clause: string,
  ) {
    super(`${clause} (Stripe: ${code})`)
  }
}

/**
 * Turns what the SDK threw into a {@link CardError}; anything else is returned as it is.
 *
 * @example
 * ```ts
 * import * as StripeApi from './StripeApi.js'
 *
 * try {
 *   await StripeApi.client('sk_test_51Hx0000000000000').paymentMethods.retrieve('pm_card_visa')
 * } catch (error) {
 *   const explained = StripeApi.explain(error)
 *   if (explained instanceof StripeApi.CardError) explained.clause // 'the card was declined', say
 * }
 * ```
 */
export function explain(error: unknown): unknown {
  if (!(error instanceof Stripe.errors.StripeError)) return error
  const code = [error.code, error.decline_code].filter(Boolean).join('/') || kinds[error.type] || error.type
  return new CardError(code, clause(error))
}

const kinds: Record<string, string> = {
  StripeConnectionError: 'api_connection_error',
  StripeAuthenticationError: 'authentication_error',
  StripePermissionError: 'permission_error',
  StripeRateLimitError: 'rate_limit',
  StripeAPIError: 'api_error',
}

function clause(error: InstanceType<typeof Stripe.errors.StripeError>): string {
  if (error.decline_code === 'currency_not_supported') return 'the card cannot pay in this currency'
  if (error.type === 'StripeCardError') return `the card was declined${error.decline_code && error.decline_code !== 'generic_decline' ? ` (${error.decline_code.replace(/_/g, ' ')})` : ''}`
  if (error.code === 'api_key_expired') return 'the Stripe key has expired; add a new one with `allowance card add`'
  if (error.type === 'StripeAuthenticationError' || error.statusCode === 401) return 'Stripe rejected the key; add a valid one with `allowance card add`'
  if (error.type === 'StripePermissionError') return 'the Stripe key is not allowed to do this; a restricted key needs write access to Shared Payment Tokens'
  if (error.type === 'StripeConnectionError') return 'Stripe could not be reached'
  if (error.type === 'StripeRateLimitError') return 'Stripe is rate limiting this account; try again shortly'
  // Stripe's messages name parameters and ids, never the key.
  return `Stripe refused: ${error.message.replace(/\s+/g, ' ').slice(0, 200)}`
}
