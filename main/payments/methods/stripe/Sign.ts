import { stripe } from 'mppx/client'
import type * as Payment from '../../Payment.js'
import * as SharedPaymentToken from '../../SharedPaymentToken.js'
import type * as Method from '../Method.js'

/** A card charge needs the card, and a currency Stripe charges (ISO). */
export function canSign(payment: Payment.Payment, setup: Method.Setup): boolean {
  return setup.card && payment.currency.kind === 'iso'
}

/** mppx's stripe charge, issuing a Shared Payment Token for exactly the approved amount. */
export function client(parameters: Method.sign.Parameters): Method.Client {
  const { payment, card } = parameters
  if (!card) throw new Error('There is no card to pay Stripe charges with.')
  return stripe.charge({
    paymentMethod: card.paymentMethod,
    // mppx hands over the challenge's amount, currency and expiry; the amount must be the one approved.
    async createToken({ amount, currency, expiresAt, networkId, metadata, challenge }) {
      if (BigInt(amount) !== payment.amount) throw new Error('The Stripe charge differs from the approved amount.')
      const { mode, paymentMethod } = card
      return SharedPaymentToken.issue(card.client, { mode, paymentMethod, amount, currency, expiresAt, networkId: networkId!, metadata, challengeId: challenge.id })
    },
  })
}
