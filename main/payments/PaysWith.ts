import * as Chains from './Chains.js'

/**
 * A payment method in the words of what pays: "USDC on Base Sepolia", "pathUSD on Local Tempo test
 * chain", "Card ending 4242". A method's protocol name (`evm`, `tempo`, `stripe`) is never shown.
 */
export function describe(payment: describe.Payment, card?: describe.Card): string {
  if (payment.method === 'stripe') return card?.last4 ? `Card ending ${card.last4}` : 'Card'
  return payment.chainId === null || payment.chainId === undefined ? payment.symbol : `${payment.symbol} on ${Chains.name(payment.chainId)}`
}

export declare namespace describe {
  type Payment = { method: string; symbol: string; chainId?: number | null | undefined }
  /** The card that pays a `stripe` charge, when it is known. */
  type Card = { last4?: string | undefined }
}
