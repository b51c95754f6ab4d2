// The x402 method: an x402 PaymentRequired becomes one alternative per `accepts` entry, judged
// against Allowance's own registry (chain, token, decimals, signing domain, payTo, timeout), and an
// approved one is signed with @x402/evm's client schemes into the payload the retry carries.
import { PERMIT2_ADDRESS, x402UptoPermit2ProxyAddress } from '@x402/evm'
import { verifyTypedData } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { describe, expect, test } from 'vitest'
import * as Challenge from '../../../main/payments/Challenge.js'
import * as Signer from '../../../main/payments/Signer.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import * as Methods from '../../../main/payments/methods/Methods.js'
import * as X402 from '../../../main/payments/methods/x402/X402.js'
import * as UptoSettlement from '../../../main/payments/methods/x402/Settlement.js'
import * as challenges from './challenges.js'

const now = new Date('2026-03-01T12:00:00Z')
const registry = TokenRegistry.create()
const options = { now, registry }
const upstream = 'https://tools.example.com/mcp'
const account = privateKeyToAccount('0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a')

const offers = (paymentRequired: unknown) => X402.challenges(paymentRequired, { upstream })
const validate = (paymentRequired: unknown) => Challenge.validate(offers(paymentRequired)[0], options)
const upto = (overrides: Record<string, unknown> = {}) => challenges.x402Accept({ scheme: 'upto', extra: { facilitatorAddress: challenges.uptoFacilitator }, ...overrides })

describe('offers', () => {
  test('each accepts entry becomes an x402 alternative priced from the registry', () => {
    const result = validate(challenges.x402())
    expect(result).toMatchObject({
      ok: true,
      payment: {
        method: 'x402',
        protocol: 'x402',
        scheme: 'exact',
        intent: 'charge',
        realm: 'tools.example.com',
        amount: 10000n,
        recipient: challenges.recipient,
        chainId: 8453,
        description: 'Premium search',
        flags: [],
        budgetUnit: 'usd',
        budgetAmount: 10000n,
      },
    })
    if (result.ok) expect(result.payment.currency).toMatchObject({ symbol: 'USDC', decimals: 6 })
    expect(Methods.describe({ method: 'x402', symbol: 'USDC', chainId: 8453, scheme: 'exact' })).toBe('x402 exact · USDC on Base')
  })

  test('the same offer gets the same id; another entry another', () => {
    const [a, b] = offers(challenges.x402([challenges.x402Accept(), challenges.x402Accept({ amount: '20000' })]))
    expect(a!.id).toBe(offers(challenges.x402())[0]!.id)
    expect(a!.id).not.toBe(b!.id)
    expect(a!.id).toMatch(/^x402-[0-9a-f]{32}$/)
  })

  test('an upto offer is a ceiling the facilitator it names may settle', () => {
    expect(validate(challenges.x402([upto()]))).toMatchObject({ ok: true, payment: { scheme: 'upto', amount: 10000n } })
    expect(Methods.describe({ method: 'x402', symbol: 'USDC', chainId: 84532, scheme: 'upto' })).toBe('x402 upto · USDC on Base Sepolia')
  })

  test('a v1 offer (a 402 error\'s data) names its network and its maxAmountRequired', () => {
    const { amount, ...entry } = challenges.x402Accept({ network: 'base', maxAmountRequired: '25000', resource: 'https://api.example.com/x', description: 'A report' })
    expect(amount).toBe('10000')
    const result = validate({ x402Version: 1, error: 'Payment required', accepts: [entry] })
    expect(result).toMatchObject({ ok: true, payment: { chainId: 8453, amount: 25000n, realm: 'api.example.com', description: 'A report' } })
  })

  const hostile: [string, unknown, string, RegExp][] = [
    ['an unknown asset', challenges.x402([challenges.x402Accept({ asset: '0x1111111111111111111111111111111111111111' })]), 'invalid_challenge', /unknown to Allowance/],
    ['a network that does not hold the asset', challenges.x402([challenges.x402Accept({ network: 'eip155:84532' })]), 'invalid_challenge', /known on chain 8453, not on chain 84532/],
    ['a non-EVM network', challenges.x402([challenges.x402Accept({ network: 'solana:5eykt4UsFv8P8NJdTREpY1vzqKqZKvdp' })]), 'unsupported_method', /EVM chains only/],
    ['a network name in v2', challenges.x402([challenges.x402Accept({ network: 'base' })]), 'invalid_challenge', /not an EVM chain/],
    ['a decimal amount', challenges.x402([challenges.x402Accept({ amount: '0.01' })]), 'invalid_challenge', /not an integer string/],
    ['a number amount', challenges.x402([challenges.x402Accept({ amount: 10000 })]), 'invalid_challenge', /must be a string/],
    ['a zero amount', challenges.x402([challenges.x402Accept({ amount: '0' })]), 'invalid_challenge', /is zero/],
    ['a payTo that is no address', challenges.x402([challenges.x402Accept({ payTo: 'alice' })]), 'invalid_challenge', /payTo is not a valid address/],
    ['the zero address as payTo', challenges.x402([challenges.x402Accept({ payTo: `0x${'0'.repeat(40)}` })]), 'invalid_challenge', /zero address/],
    ['a zero timeout', challenges.x402([challenges.x402Accept({ maxTimeoutSeconds: 0 })]), 'invalid_challenge', /maxTimeoutSeconds/],
    ['a text timeout', challenges.x402([challenges.x402Accept({ maxTimeoutSeconds: '60' })]), 'invalid_challenge', /maxTimeoutSeconds/],
    ['a fractional timeout', challenges.x402([challenges.x402Accept({ maxTimeoutSeconds: 1.5 })]), 'invalid_challenge', /maxTimeoutSeconds/],
    ['another scheme', challenges.x402([challenges.x402Accept({ scheme: 'batch-settlement' })]), 'unsupported_method', /"exact" and "upto"/],
    ['exact by Permit2', challenges.x402([challenges.x402Accept({ extra: { assetTransferMethod: 'permit2' } })]), 'unsupported_method', /EIP-3009/],
    ['a signing domain the token does not have', challenges.x402([challenges.x402Accept({ extra: { name: 'USD Coin (fake)', version: '2' } })]), 'invalid_challenge', /signing domain/],
    ['upto without a facilitator', challenges.x402([upto({ extra: {} })]), 'invalid_challenge', /facilitatorAddress/],
    ['upto in v1', { x402Version: 1, accepts: [upto({ network: 'base', maxAmountRequired: '1' })] }, 'unsupported_method', /version 1/],
    ['a version 3', challenges.x402(undefined, { x402Version: 3 }), 'invalid_challenge', /versions 1 and 2/],
    ['no accepts', challenges.x402([]), 'invalid_challenge', /offers no way to pay/],
    ['a string', 'pay me', 'invalid_challenge', /not a JSON object/],
    ['an entry that is not an object', challenges.x402(['exact' as never]), 'invalid_challenge', /must be a string/],
  ]
  test.each(hostile)('refuses %s', (_, paymentRequired, reason, message) => {
    const result = validate(paymentRequired)
    expect(result).toMatchObject({ ok: false, reason })
    if (!result.ok) expect(result.message).toMatch(message)
  })

  test('decimals the server declares are flagged when they lie, and never used', () => {
    const result = validate(challenges.x402([challenges.x402Accept({ extra: { name: 'USD Coin', version: '2', decimals: 18 } })]))
    expect(result).toMatchObject({ ok: true, payment: { amount: 10000n, budgetAmount: 10000n, flags: ['declared_decimals_mismatch'] } })
  })
})

describe('signing', () => {
  const approved = (paymentRequired: unknown) => {
    const challenge = offers(paymentRequired)[0]!
    const result = Challenge.validate(challenge, options)
    if (!result.ok) throw new Error(result.message)
    return { challenge, payment: result.payment }
  }

  test('exact: an EIP-3009 authorization under the registry\'s domain, echoing the offer as sent', async () => {
    const paymentRequired = challenges.x402()
    const { challenge, payment } = approved(paymentRequired)
    const { credential } = await Signer.sign({ challenge, payment, account })
    const payload = credential.payload as Record<string, any>
    expect(payload).toMatchObject({ x402Version: 2, resource: paymentRequired.resource, accepted: paymentRequired.accepts[0] })
    const { authorization, signature } = payload.payload
    expect(authorization).toMatchObject({ from: account.address, to: challenges.recipient, value: '10000', validAfter: '0' })
    const seconds = Math.floor(Date.now() / 1000)
    expect(Number(authorization.validBefore)).toBeGreaterThan(seconds)
    expect(Number(authorization.validBefore)).toBeLessThanOrEqual(seconds + 60)
    const valid = await verifyTypedData({
      address: account.address,
      domain: { name: 'USD Coin', version: '2', chainId: 8453, verifyingContract: challenges.baseUsdc },
      types: { TransferWithAuthorization: [
        { name: 'from', type: 'address' }, { name: 'to', type: 'address' }, { name: 'value', type: 'uint256' },
        { name: 'validAfter', type: 'uint256' }, { name: 'validBefore', type: 'uint256' }, { name: 'nonce', type: 'bytes32' },
      ] },
      primaryType: 'TransferWithAuthorization',
      message: { ...authorization, value: BigInt(authorization.value), validAfter: BigInt(authorization.validAfter), validBefore: BigInt(authorization.validBefore) },
      signature,
    })
    expect(valid).toBe(true)
    // What the ledger keeps: what the authorization commits to, never its signature.
    const { evidence } = X402.method.track({ payment, credential, payer: account.address })
    expect(evidence).toMatchObject({ scheme: 'exact', payer: account.address, nonce: authorization.nonce, validBefore: authorization.validBefore })
    expect(JSON.stringify(evidence)).not.toContain(signature)
  })

  test('a server\'s long timeout is cut to ten minutes: a refused authorization holds its budget no longer', async () => {
    const { challenge, payment } = approved(challenges.x402([challenges.x402Accept({ maxTimeoutSeconds: 365 * 24 * 3600 })]))
    const { credential } = await Signer.sign({ challenge, payment, account })
    const { validBefore } = (credential.payload as any).payload.authorization
    expect(Number(validBefore)).toBeLessThanOrEqual(Math.floor(Date.now() / 1000) + 600)
    expect((credential.payload as any).accepted.maxTimeoutSeconds).toBe(365 * 24 * 3600) // echoed as offered
  })

  test('upto: a Permit2 permit for the ceiling, to x402\'s upto proxy, bound to the recipient and facilitator', async () => {
    const { challenge, payment } = approved(challenges.x402([upto()]))
    const { credential } = await Signer.sign({ challenge, payment, account })
    const permit = (credential.payload as any).payload.permit2Authorization
    expect(permit).toMatchObject({
      from: account.address,
      permitted: { token: challenges.baseUsdc, amount: '10000' },
      spender: x402UptoPermit2ProxyAddress,
      witness: { to: challenges.recipient, facilitator: challenges.uptoFacilitator },
    })
    const { evidence } = X402.method.track({ payment, credential, payer: account.address })
    expect(evidence).toMatchObject({ scheme: 'upto', ceiling: '10000', nonce: permit.nonce, deadline: permit.deadline })
    expect(PERMIT2_ADDRESS).toBe('0x000000000022D473030F116dDEE9F6B43aC78BA3')
  })

  test('v1: the v1 payload, with the network named as the server named it', async () => {
    const { amount: _, ...entry } = challenges.x402Accept({ network: 'base', maxAmountRequired: '25000', resource: 'https://api.example.com/x' })
    const { challenge, payment } = approved({ x402Version: 1, accepts: [entry] })
    const { credential } = await Signer.sign({ challenge, payment, account })
    expect(credential.payload).toMatchObject({ x402Version: 1, scheme: 'exact', network: 'base', payload: { authorization: { value: '25000', to: challenges.recipient } } })
  })

  test('without a wallet nothing is signed; a token without a domain cannot pay exact', async () => {
    const { challenge, payment } = approved(challenges.x402())
    await expect(Signer.sign({ challenge, payment })).rejects.toThrow(/no wallet/)
    expect(Signer.canSign(payment, { wallet: true, card: false, rpc: {} })).toBe(true)
    expect(Signer.canSign({ ...payment, currency: { ...payment.currency, eip712: undefined } as never }, { wallet: true, card: false, rpc: {} })).toBe(false)
  })
})

describe('upto settlement', () => {
  const token = challenges.baseUsdc
  const payer = account.address
  const recipient = challenges.recipient
  const log = (from: string, to: string, value: bigint, address = token) => ({
    address,
    topics: [
      '0xddf252ad1be2c89b69c2b068fc378daa952ba7f163c4a11628f55a4df523b3ef',
      `0x${from.slice(2).toLowerCase().padStart(64, '0')}`,
      `0x${to.slice(2).toLowerCase().padStart(64, '0')}`,
    ],
    data: `0x${value.toString(16).padStart(64, '0')}`,
  })
  test('what moved is the sum of the token\'s transfers from the payer to the recipient, nothing else', () => {
    const logs = [log(payer, recipient, 4000n), log(payer, '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', 9n), log(payer, recipient, 7n, '0x1111111111111111111111111111111111111111')]
    expect(UptoSettlement.movedBy({ logs: logs as never }, { token, payer, recipient })).toBe(4000n)
    expect(UptoSettlement.movedBy({ logs: [] }, { token, payer, recipient })).toBe(0n)
  })
})
