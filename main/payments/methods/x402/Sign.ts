import type { PaymentRequirements, PaymentRequirementsV1 } from '@x402/core/types'
import type { ClientEvmSigner } from '@x402/evm'
import { createPublicClient, getAddress, http, isAddress, isAddressEqual, type Address } from 'viem'
import type * as Payment from '../../Payment.js'
import * as TypedData from '../../TypedData.js'
import type * as Method from '../Method.js'
import * as Offer from './Offer.js'
import { permit2Address } from './Settlement.js'

/**
 * The x402 payment payload for an approved offer, made by `@x402/evm`'s client schemes
 * (`exact`: an EIP-3009 authorization; `upto`: a Permit2 permit to the x402 upto proxy, with an
 * EIP-2612 permit letting Permit2 pull at most the ceiling when the server's facilitator takes one
 * and the token does not already let it) from the offer as Allowance validated it: the registry's token and signing domain, the approved amount
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
  const { payment, account, challenge, rpcUrl } = parameters
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
  // An upto permit needs the token to let Permit2 pull from the wallet. When the server's
  // facilitator offers to submit an EIP-2612 permit with the settlement, the library signs one for
  // exactly the ceiling (reading the token's permit nonce from the node) if the allowance is short.
  // Only that extension is handed to the library: never `erc20ApprovalGasSponsoring`, a signed
  // transaction approving Permit2 for everything the wallet will ever hold.
  const sponsoring = scheme === 'upto' ? offer.extensions?.[eip2612Sponsoring] : undefined
  if (scheme === 'upto' && !sponsoring && rpcUrl) await permit2MayPull(rpcUrl, requirements.asset as Address, account.address, payment.amount)
  const created =
    scheme === 'upto'
      ? await new UptoEvmScheme(signer, rpcUrl ? { rpcUrl } : undefined).createPaymentPayload(2, requirements, sponsoring ? { extensions: { [eip2612Sponsoring]: sponsoring } } : undefined)
      : await new ExactEvmScheme(signer).createPaymentPayload(2, requirements)
  commits(created.payload, payment, account.address)
  await commitsPermit(created.extensions, created.payload, payment, account.address)
  const extensions = { ...offer.extensions, ...created.extensions }
  return {
    payload: {
      x402Version: 2,
      ...(offer.resource && { resource: offer.resource }),
      accepted: offer.accepted,
      payload: created.payload,
      ...(Object.keys(extensions).length > 0 && { extensions }),
    },
  }
}

/** x402's extension for an EIP-2612 permit to Permit2 that the facilitator submits with the settlement. */
const eip2612Sponsoring = 'eip2612GasSponsoring'

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

/**
 * Without a sponsored EIP-2612 permit, Permit2 can pull only what the token already lets it, and a
 * permit it cannot use would hold the budget until it expires. Allowance never grants Permit2 a
 * standing approval, so it refuses to sign and says why. A node that cannot say lets the permit
 * go: the settlement check judges what happened.
 */
async function permit2MayPull(rpcUrl: string, token: Address, owner: Address, ceiling: bigint): Promise<void> {
  const { getPermit2AllowanceReadParams } = await import('@x402/evm/upto/client')
  const allowance = await createPublicClient({ transport: http(rpcUrl) })
    .readContract(getPermit2AllowanceReadParams({ tokenAddress: token, ownerAddress: owner }))
    .catch(() => undefined)
  if (allowance !== undefined && allowance < ceiling) {
    throw new Error(`This upto payment needs Permit2 to be allowed to move at least ${ceiling} atomic units of the token from the wallet (it may move ${allowance}), and the server's facilitator does not take an EIP-2612 permit with the payment; Allowance does not grant Permit2 standing approvals.`)
  }
}

/**
 * The extensions the library added, checked against the approval: at most an EIP-2612 permit from
 * the payer, of the approved token, to Permit2, for no more than the ceiling and expiring no later
 * than the Permit2 permit. Throws on anything else.
 */
async function commitsPermit(extensions: Record<string, unknown> | undefined, payload: Record<string, unknown>, payment: Payment.Payment, payer: Address): Promise<void> {
  const added = Object.keys(extensions ?? {})
  if (added.length === 0) return
  const info = (extensions?.[eip2612Sponsoring] as { info?: Record<string, unknown> } | undefined)?.info
  const permit = evidence({ payload })
  const token = payment.currency.kind === 'token' ? payment.currency.address : ''
  const text = (value: unknown) => (typeof value === 'string' ? value : '')
  const same = (value: unknown, address: string) => isAddress(text(value)) && isAddress(address) && isAddressEqual(text(value) as Address, address)
  const ok =
    added.length === 1 &&
    info !== undefined &&
    permit?.scheme === 'upto' &&
    same(info.from, payer) &&
    same(info.asset, token) &&
    same(info.spender, await permit2Address()) &&
    /^\d{1,78}$/.test(text(info.amount)) &&
    BigInt(text(info.amount)) <= payment.amount &&
    /^\d{1,78}$/.test(text(info.deadline)) &&
    BigInt(text(info.deadline)) <= BigInt(permit.deadline)
  if (!ok) throw new Error('The x402 payload carries an approval that does not stay within the approved payment.')
}

let loaded: Promise<{ ExactEvmScheme: typeof import('@x402/evm/exact/client').ExactEvmScheme; UptoEvmScheme: typeof import('@x402/evm/upto/client').UptoEvmScheme; ExactEvmSchemeV1: typeof import('@x402/evm/v1').ExactEvmSchemeV1 }> | undefined

function schemes() {
  return (loaded ??= Promise.all([import('@x402/evm/exact/client'), import('@x402/evm/upto/client'), import('@x402/evm/v1')]).then(([exact, upto, v1]) => ({
    ExactEvmScheme: exact.ExactEvmScheme,
    UptoEvmScheme: upto.UptoEvmScheme,
    ExactEvmSchemeV1: v1.ExactEvmSchemeV1,
  })))
}
