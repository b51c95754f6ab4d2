import * as Chains from './Chains.js'
import type * as Payment from './Payment.js'
import type * as Method from './methods/Method.js'
import * as Methods from './methods/Methods.js'

/**
 * Turns an approved challenge into a credential, with the payment method's own signing (each
 * gives its own: methods/<name>/; the MPP methods use `mppx`'s client methods standalone, x402
 * uses `@x402/evm`). The companion calls it right after approval and right before the bridge
 * retries: tempo transactions are only valid for seconds. The credential echoes the challenge
 * exactly as received; for x402 its payload is the `PaymentPayload` the retry carries.
 */
export type Credential = { challenge: unknown; payload: unknown; source?: string | undefined }

/**
 * Signs an approved payment: the credential its bridge retries the call with, and whether signing
 * already sent the money.
 *
 * @example
 * ```ts
 * import { generatePrivateKey, privateKeyToAccount } from 'viem/accounts'
 * import * as Challenge from './Challenge.js'
 * import * as Signer from './Signer.js'
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
 * if (result.ok) {
 *   const { credential, broadcast } = await Signer.sign({ challenge, payment: result.payment, account: privateKeyToAccount(generatePrivateKey()) })
 *   // credential goes to the bridge once, in memory; broadcast is false: the server submits an evm authorization
 * }
 * ```
 */
export async function sign(parameters: sign.Parameters): Promise<sign.ReturnType> {
  const { challenge, payment } = parameters
  const method = Methods.find(payment.method)
  if (!method) throw new Error(`Allowance cannot sign ${payment.method} payments.`)
  const { payload, source } = await method.sign(parameters)
  return {
    credential: { challenge, payload, ...(source ? { source } : {}) },
    broadcast: method.broadcasts(parameters),
  }
}

export declare namespace sign {
  type Parameters = Method.sign.Parameters
  type ReturnType = {
    credential: Credential
    /** True when signing already sent the transaction (tempo push): money moved before the retry. */
    broadcast: boolean
  }
}

/** The card as signing needs it: the SDK for the user's Stripe key, its mode and the payment method. */
export type Card = Method.Card

/**
 * Whether the payment's method can sign it with what is set up (a wallet, a card, a node for the chain).
 *
 * @example
 * ```ts
 * import type * as Challenge from './Challenge.js'
 * import * as Signer from './Signer.js'
 *
 * declare const payment: Challenge.Payment // an evm payment, as Challenge.validate read it
 * Signer.canSign(payment, { wallet: true, card: false, rpc: {} }) // true
 * Signer.canSign(payment, { wallet: false, card: true, rpc: {} }) // false: only the wallet's key signs evm
 * ```
 */
export function canSign(payment: Payment.Payment, setup: Method.Setup): boolean {
  return Methods.find(payment.method)?.canSign(payment, setup) ?? false
}

/** Whether signing this payment already sends the money (a tempo push): past that point, money may have moved. */
export function broadcasts(payment: Payment.Payment, parameters: Pick<sign.Parameters, 'tempoMode'>): boolean {
  return Methods.find(payment.method)?.broadcasts(parameters) ?? false
}

export const rpcUrlFor = Chains.rpcUrlFor
