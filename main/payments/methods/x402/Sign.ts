import type { PaymentRequirements, PaymentRequirementsV1 } from '@x402/core/types'
import type { ClientEvmSigner } from '@x402/evm'
import { getAddress, isAddressEqual, type Address } from 'viem'
import type * as Payment from '../../Payment.js'
import * as TypedData from '../../TypedData.js'
import type * as Method from '../Method.js'
import * as Offer from './Offer.js'

/**
 * The x402 payment payload for an approved offer, made by `@x402/evm`'s client schemes
 * (`exact`: an EIP-3009 authorization; `upto`: a Permit2 permit to the x402 upto proxy) from the
 * offer as Allowance validated it: the registry's token and signing domain, the approved amount
 * and recipient, and a validity window of at most {@link maxWindowSeconds} whatever the server
 * asked (a refused credential holds its budget until it can no longer be used). The payload echoes
 * the offer exactly as the server sent it in `accepted`, and is checked after signing to commit to
 * exactly the approved payment.
 */

/** The longest an authorization or permit Allowance signs stays usable. */
export const maxWindowSeconds = 600

/** An `exact` authorization needs the registry's EIP-712 domain for the token; an `upto` permit signs Permit2's. */
export function canSign(payment: Payment.Payment, setup: Method.Setup): boolean {
  if (!setup.wallet || payment.currency.kind !== 'token') return false
  return payment.scheme === 'upto' || payment.currency.eip712 !== undefined
}

export async function sign(parameters: Method.sign.Parameters): Promise<Method.sign.ReturnType> {
  const { payment, account, challenge } = parameters
  if (!account) throw new Error('There is no wallet to sign with.')
  const { currency, chainId, recipient, scheme } = payment
  if (currency.kind !== 'token' || chainId === undefined || !recipient || !scheme) throw new Error(`Allowance cannot sign x402 payments in ${currency.symbol}.`)
  const offer = Offer.details(challenge)
  const signer = TypedData.signer(account) as unknown as ClientEvmSigner
  const signing = {
    ...offer.accepted,
    scheme,
    asset: getAddress(currency.address),
    payTo: getAddress(recipient),
    maxTimeoutSeconds: Math.min(offer.maxTimeoutSeconds, maxWindowSeconds),
    extra: { ...(offer.accepted.extra as Record<string, unknown> | undefined), ...(currency.eip712 && { name: currency.eip712.name, version: currency.eip712.version }) },
  }
  // Loaded when the first x402 payment is signed: the CLI, which reads the method list, never needs them.
  const { ExactEvmScheme, UptoEvmScheme, ExactEvmSchemeV1 } = await schemes()
  if (offer.x402Version === 1) {
    const requirements = { ...signing, maxAmountRequired: payment.amount.toString() } satisfies Partial<PaymentRequirementsV1>
    // The v1 scheme reads v1 requirements, though its declared parameter type is v2's.
    const created = (await new ExactEvmSchemeV1(signer).createPaymentPayload(1, requirements as never)) as { payload: Record<string, unknown> }
    commits(created.payload, payment, account.address)
    return { payload: { x402Version: 1, scheme: offer.accepted.scheme, network: offer.accepted.network, payload: created.payload } }
  }
  const requirements = { ...signing, network: `eip155:${chainId}`, amount: payment.amount.toString() } as PaymentRequirements
  const client = scheme === 'upto' ? new UptoEvmScheme(signer) : new ExactEvmScheme(signer)
  const created = await client.createPaymentPayload(2, requirements)
  commits(created.payload, payment, account.address)
  return {
    payload: {
      x402Version: 2,
      ...(offer.resource && { resource: offer.resource }),
      accepted: offer.accepted,
      payload: created.payload,
      ...(offer.extensions && { extensions: offer.extensions }),
    },
  }
}

/** What a signed payload commits to, as the settlement check needs it (public parts only: never the signature). */
export type Evidence =
  | { scheme: 'exact'; from: Address; to: Address; value: string; nonce: `0x${string}`; validBefore: string }
  | { scheme: 'upto'; from: Address; to: Address; token: Address; ceiling: string; nonce: string; deadline: string; spender: Address; facilitator: Address }

/** The evidence of an x402 payload, or undefined when it is not one Allowance made. */
export function evidence(payload: unknown): Evidence | undefined {
  const inner = (payload as { payload?: Record<string, unknown> } | undefined)?.payload
  if (!inner) return undefined
  const authorization = inner.authorization as Record<string, string> | undefined
  if (authorization) {
    const { from, to, value, nonce, validBefore } = authorization
    return { scheme: 'exact', from: getAddress(from!), to: getAddress(to!), value: value!, nonce: nonce as `0x${string}`, validBefore: validBefore! }
  }
  const permit = inner.permit2Authorization as
    | { from: string; permitted: { token: string; amount: string }; spender: string; nonce: string; deadline: string; witness: { to: string; facilitator: string } }
    | undefined
  if (!permit) return undefined
  return {
    scheme: 'upto',
    from: getAddress(permit.from),
    to: getAddress(permit.witness.to),
    token: getAddress(permit.permitted.token),
    ceiling: permit.permitted.amount,
    nonce: permit.nonce,
    deadline: permit.deadline,
    spender: getAddress(permit.spender),
    facilitator: getAddress(permit.witness.facilitator),
  }
}

/** The library's payload, checked against the approval: payer, recipient, token and amount. Throws on any difference. */
function commits(payload: Record<string, unknown>, payment: Payment.Payment, payer: Address): void {
  const found = evidence({ payload })
  const { currency, recipient, amount } = payment
  const token = currency.kind === 'token' ? currency.address : ''
  const ok =
    found !== undefined &&
    found.scheme === payment.scheme &&
    isAddressEqual(found.from, payer) &&
    isAddressEqual(found.to, recipient as Address) &&
    (found.scheme === 'exact' ? BigInt(found.value) === amount : BigInt(found.ceiling) === amount && isAddressEqual(found.token, token as Address))
  if (!ok) throw new Error('The x402 payload does not commit to the approved payment.')
}

let loaded: Promise<{ ExactEvmScheme: typeof import('@x402/evm/exact/client').ExactEvmScheme; UptoEvmScheme: typeof import('@x402/evm/upto/client').UptoEvmScheme; ExactEvmSchemeV1: typeof import('@x402/evm/v1').ExactEvmSchemeV1 }> | undefined

function schemes() {
  return (loaded ??= Promise.all([import('@x402/evm/exact/client'), import('@x402/evm/upto/client'), import('@x402/evm/v1')]).then(([exact, upto, v1]) => ({
    ExactEvmScheme: exact.ExactEvmScheme,
    UptoEvmScheme: upto.UptoEvmScheme,
    ExactEvmSchemeV1: v1.ExactEvmSchemeV1,
  })))
}
