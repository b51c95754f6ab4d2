import { randomBytes } from 'node:crypto'
/** Challenges as servers send them over MCP (`request` as an object), for tests. */
export const recipient = '0x70997970C51812dc3A010C7d01b50e0d17dc79C8'
/** The card seller's Stripe profile: whom a `stripe` charge pays. */
export const stripeProfile = 'internal'
export const pathUsd = '0x20c0000000000000000000000000000000000000'
export const baseUsdc = '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913'
export const future = (now: Date, seconds = 300) => new Date(now.getTime() + seconds * 1000).toISOString()

let counter = 0

export function tempo(now: Date, overrides: { amount?: string; recipient?: string; details?: Record<string, unknown>; id?: string; expires?: string } = {}) {
  return {
    id: overrides.id ?? `tempo-${++counter}`,
    realm: 'tools.example.com',
    method: 'tempo',
    intent: 'charge',
    request: {
      amount: overrides.amount ?? '50000',
      currency: pathUsd,
      recipient: overrides.recipient ?? recipient,
      methodDetails: { chainId: 42431, ...overrides.details },
    },
    expires: overrides.expires ?? future(now),
    description: 'Premium search',
  }
}

/** A tempo subscription (mppx's shape): `amount` every `periodCount` `periodUnit`, charged with the server's access key. */
export function tempoSubscription(now: Date, overrides: { amount?: string; periodCount?: string; periodUnit?: string; expires?: string; accessKey?: unknown } = {}) {
  return {
    // mppx binds the key authorization to the challenge id, which must encode 32 bytes.
    id: randomBytes(32).toString('base64url'),
    realm: 'tools.example.com',
    method: 'tempo',
    intent: 'subscription',
    request: {
      amount: overrides.amount ?? '9000000',
      currency: pathUsd,
      recipient,
      periodCount: overrides.periodCount ?? '30',
      periodUnit: overrides.periodUnit ?? 'day',
      subscriptionExpires: overrides.expires ?? new Date(now.getTime() + 365 * 86_400_000).toISOString(),
      methodDetails: { chainId: 42431, accessKey: 'accessKey' in overrides ? overrides.accessKey : { accessKeyAddress: '0x90F79bf6EB2c4f870365E785982E1f101E93b906', keyType: 'secp256k1' } },
    },
    expires: future(now),
    description: 'Pro plan',
  }
}

export function evm(now: Date, overrides: { amount?: string; details?: Record<string, unknown> } = {}) {
  return {
    id: `evm-${++counter}`,
    realm: 'tools.example.com',
    method: 'evm',
    intent: 'charge',
    request: {
      amount: overrides.amount ?? '10000',
      currency: baseUsdc,
      recipient,
      methodDetails: { chainId: 8453, credentialTypes: ['authorization'], decimals: 6, ...overrides.details },
    },
    expires: future(now),
  }
}

export function stripe(now: Date, overrides: { amount?: string; currency?: string } = {}) {
  return {
    id: `stripe-${++counter}`,
    realm: 'tools.example.com',
    method: 'stripe',
    intent: 'charge',
    request: {
      amount: overrides.amount ?? '75',
      currency: overrides.currency ?? 'usd',
      methodDetails: { networkId: stripeProfile, paymentMethodTypes: ['card'] },
    },
    expires: future(now),
  }
}

/** Malformed or hostile challenges, each with the reason it must be declined with. */
export function hostile(now: Date): [name: string, challenge: unknown, reason: 'invalid_challenge' | 'unsupported_method' | 'expired', message: RegExp][] {
  const base = tempo(now)
  const withRequest = (patch: Record<string, unknown>, intent = base.intent) => ({ ...base, intent, request: { ...base.request, ...patch } })
  const withDetails = (patch: Record<string, unknown>, intent = base.intent) => withRequest({ methodDetails: { ...base.request.methodDetails, ...patch } }, intent)
  const split = (amount: string) => ({ amount, recipient: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' })
  return [
    ['a float amount', withRequest({ amount: '0.05' }), 'invalid_challenge', /not an integer string/],
    ['a numeric amount', withRequest({ amount: 50000 }), 'invalid_challenge', /must be a string/],
    ['a negative amount', withRequest({ amount: '-50000' }), 'invalid_challenge', /not an integer string/],
    ['an exponent amount', withRequest({ amount: '5e4' }), 'invalid_challenge', /not an integer string/],
    ['a zero-amount proof naming splits to pay', withRequest({ amount: '0', methodDetails: { ...base.request.methodDetails, splits: [split('1')] } }), 'invalid_challenge', /identity proof \(amount 0\) yet names splits/],
    ['a huge amount', withRequest({ amount: (2n ** 256n).toString() }), 'invalid_challenge', /out of range/],
    ['an unknown currency', withRequest({ currency: '0x1111111111111111111111111111111111111111' }), 'invalid_challenge', /unknown to Allowance/],
    ['18 declared decimals on a 6-decimal token', withDetails({ decimals: 18 }), 'invalid_challenge', /decimals/],
    ['splits summing to the amount', withDetails({ splits: [split('25000'), split('25000')] }), 'invalid_challenge', /add up/],
    ['splits summing above the amount', withDetails({ splits: [split('60000')] }), 'invalid_challenge', /add up/],
    ['a zero split', withDetails({ splits: [split('0')] }), 'invalid_challenge', /zero amount/],
    ['eleven splits', withDetails({ splits: Array.from({ length: 11 }, () => split('1')) }), 'invalid_challenge', /at most 10/],
    ['a split in another currency', withDetails({ splits: [{ ...split('1'), currency: '0x20c0000000000000000000000000000000000001' }] }), 'invalid_challenge', /own currency/],
    ['a split with a bad recipient', withDetails({ splits: [{ amount: '1', recipient: 'bob' }] }), 'invalid_challenge', /split 1 recipient/],
    ['an expired challenge', { ...base, expires: new Date(now.getTime() - 1000).toISOString() }, 'expired', /expired at/],
    ['an unparseable expires', { ...base, expires: 'tomorrow' }, 'invalid_challenge', /RFC 3339/],
    ['a bad recipient', withRequest({ recipient: '0x1234' }), 'invalid_challenge', /recipient is not a valid/],
    ['a bad recipient checksum', withRequest({ recipient: '0x70997970c51812dc3a010c7d01b50e0d17dc79C8' }), 'invalid_challenge', /recipient is not a valid/],
    ['the zero address as recipient', withRequest({ recipient: `0x${'0'.repeat(40)}` }), 'invalid_challenge', /zero address/],
    ['a missing recipient', withRequest({ recipient: undefined }), 'invalid_challenge', /recipient is not a valid/],
    ['the wrong chain', withDetails({ chainId: 1 }), 'invalid_challenge', /not on chain 1\./],
    ['a missing chain', withRequest({ methodDetails: {} }), 'invalid_challenge', /chainId/],
    ['a string chain id', withDetails({ chainId: '42431' }), 'invalid_challenge', /chainId/],
    ['a non-object request', { ...base, request: 'eyJhbW91bnQiOiIxIn0' }, 'invalid_challenge', /request is not/],
    ['a null request', { ...base, request: null }, 'invalid_challenge', /request is not/],
    ['a missing id', { ...base, id: undefined }, 'invalid_challenge', /no id/],
    ['an empty id', { ...base, id: '' }, 'invalid_challenge', /no id/],
    ['a missing realm', { ...base, realm: undefined }, 'invalid_challenge', /no realm/],
    ['a realm with a newline', { ...base, realm: 'a\nb' }, 'invalid_challenge', /realm is malformed/],
    ['a session intent with evm', { ...evm(now), intent: 'session' }, 'unsupported_method', /not the "session" intent/],
    ['a session on an escrow Allowance does not trust', withDetails({ escrowContract: '0x1111111111111111111111111111111111111111' }, 'session'), 'invalid_challenge', /not the one Allowance trusts/],
    ['a session over the TIP-1034 precompile (protocol v2)', withDetails({ sessionProtocol: 'v2' }, 'session'), 'unsupported_method', /protocol "v2"/],
    ['a session with splits', withDetails({ splits: [split('1')] }, 'session'), 'invalid_challenge', /cannot have splits/],
    ['an unknown method', { ...base, method: 'lightning' }, 'unsupported_method', /lightning/],
    ['a malformed method', { ...base, method: 'Tempo!' }, 'invalid_challenge', /malformed/],
    ['an evm challenge without authorizations', evm(now, { details: { credentialTypes: ['permit2'] } }), 'unsupported_method', /EIP-3009/],
    ['a stripe charge in an unknown currency', stripe(now, { currency: 'xyz' }), 'invalid_challenge', /unknown to Allowance/],
    ['a string', 'Payment id="x"', 'invalid_challenge', /not a JSON object/],
    ['null', null, 'invalid_challenge', /not a JSON object/],
    ['an array', [base], 'invalid_challenge', /not a JSON object/],
    ['an oversized challenge', { ...base, description: 'x'.repeat(20_000) }, 'invalid_challenge', /16 KiB/],
  ]
}

/** Base Sepolia's USDC: its EIP-712 domain is "USDC" version "2". */
export const baseSepoliaUsdc = '0x036CbD53842c5426634e7929541eC2318f3dCF7e'
export const uptoFacilitator = '0x90F79bf6EB2c4f870365E785982E1f101E93b906'

/** An x402 `accepts` entry for USDC on Base (`exact` unless the overrides say otherwise). */
export function x402Accept(overrides: Record<string, unknown> = {}) {
  return {
    scheme: 'exact',
    network: 'eip155:8453',
    amount: '10000',
    asset: baseUsdc,
    payTo: recipient,
    maxTimeoutSeconds: 60,
    extra: { name: 'USD Coin', version: '2' },
    ...overrides,
  }
}

/** An x402 v2 `PaymentRequired`, as a tool result's `structuredContent` carries it. */
export function x402(accepts: Record<string, unknown>[] = [x402Accept()], overrides: Record<string, unknown> = {}) {
  return {
    x402Version: 2,
    error: 'Payment required',
    resource: { url: 'mcp://tool/search', description: 'Premium search', mimeType: 'application/json' },
    accepts,
    ...overrides,
  }
}
