import type * as Method from '../Method.js'
import * as Mpp from '../Mpp.js'
import * as Challenge from './Challenge.js'
import * as Sign from './Sign.js'
import * as StripeSettlement from './Settlement.js'

/**
 * `stripe`: a card charge with a Shared Payment Token the user's Stripe account issues to the
 * seller. The token is a bearer secret, kept in memory only until the check has revoked it and
 * read what the seller captured.
 */
export const method: Method.Method<'stripe'> = {
  name: 'stripe',
  intents: ['charge'],
  protocol: 'mpp',
  paysWith: 'card',
  check: Challenge.check,
  describe: (_, card) => (card?.last4 ? `Card ending ${card.last4}` : 'Card'),
  canSign: Sign.canSign,
  sign: Mpp.sign(Sign.client),
  broadcasts: () => false,
  track({ credential, card }) {
    const token = (credential.payload as { spt?: unknown }).spt
    return { evidence: { mode: card?.mode }, kept: card && typeof token === 'string' ? ({ card, token } satisfies Kept) : undefined }
  },
  /** Revokes the card token, then reads what the seller captured with it: final once revoked. */
  async confirm({ kept, payment, reference }) {
    if (!kept) return { status: 'mismatch', problem: 'The companion restarted before it could check this card payment with Stripe; the card token expires with the challenge.' }
    const { card, token } = kept as Kept
    const verdict = await StripeSettlement.settle(card.client, { mode: card.mode, token, currency: payment.currency.replace(/^iso:/, '') })
    if (verdict.status === 'captured') return { status: 'confirmed', transaction: reference ?? 'stripe', amount: verdict.amount }
    if (verdict.status === 'nothing_captured') return { status: 'nothing_moved', problem: 'nothing was captured with the card token, which is now revoked' }
    return { status: 'pending', problem: verdict.problem }
  },
  explainRefusal: StripeSettlement.cardFailure,
}

/** What the check keeps in memory: the card that issued the token, and the token. */
type Kept = { card: Method.Card; token: string }
