// How the bridge tells an x402 payment request from an MPP one and from an ordinary tool error,
// where the x402 payload goes on the retry, and which x402 payment responses count as receipts.
import { describe, expect, test } from 'vitest'
import type { JSONRPCResponse } from '../../../main/bridge/JsonRpc.js'
import * as Payment from '../../../main/bridge/Payment.js'

const accept = { scheme: 'exact', network: 'eip155:8453', amount: '10000', asset: '0x833589fCD6eDb6E08f4c7C32D4f71b54bdA02913', payTo: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8', maxTimeoutSeconds: 60, extra: {} }
const required = { x402Version: 2, error: 'Payment required', resource: { url: 'mcp://tool/search' }, accepts: [accept] }
const result = (value: Record<string, unknown>): JSONRPCResponse => ({ jsonrpc: '2.0', id: 1, result: value }) as JSONRPCResponse
const error = (code: number, data?: unknown): JSONRPCResponse => ({ jsonrpc: '2.0', id: 1, error: { code, message: 'x', data } }) as JSONRPCResponse
const challenge = { id: 'c1', realm: 'r', method: 'evm', intent: 'charge', request: {} }

describe('offerIn', () => {
  test('an isError result whose structuredContent is a PaymentRequired asks in x402', () => {
    expect(Payment.offerIn(result({ isError: true, structuredContent: required, content: [{ type: 'text', text: JSON.stringify(required) }] }))).toEqual({ challenges: [], x402: required })
  })

  test('without structuredContent, the text is read as JSON (plain, or wrapped as x402/error)', () => {
    expect(Payment.offerIn(result({ isError: true, content: [{ type: 'text', text: JSON.stringify(required) }] }))?.x402).toEqual(required)
    const wrapped = JSON.stringify({ 'x402/error': { code: 402, data: required } })
    expect(Payment.offerIn(result({ isError: true, content: [{ type: 'text', text: wrapped }] }))?.x402).toEqual(required)
  })

  test('v1: a 402 error, its data passed on even when it cannot be read', () => {
    expect(Payment.offerIn(error(402, { x402Version: 1, accepts: [] }))).toEqual({ challenges: [], x402: { x402Version: 1, accepts: [] } })
    expect(Payment.offerIn(error(402))).toEqual({ challenges: [], x402: null })
  })

  test('a server offering both protocols: MPP challenges and the x402 member of the same -32042, or of the same result', () => {
    expect(Payment.offerIn(error(-32042, { challenges: [challenge], x402: required }))).toEqual({ challenges: [challenge], x402: required })
    const both = result({ isError: true, structuredContent: required, _meta: { [Payment.paymentRequiredKey]: { challenges: [challenge] } } })
    expect(Payment.offerIn(both)).toEqual({ challenges: [challenge], x402: required })
  })

  test('ordinary results and errors, URL elicitation and tool errors that merely mention x402 ask for nothing', () => {
    expect(Payment.offerIn(result({ content: [{ type: 'text', text: JSON.stringify(required) }] }))).toBeUndefined() // not isError
    expect(Payment.offerIn(result({ isError: true, content: [{ type: 'text', text: '{"x402Version": 2}' }] }))).toBeUndefined()
    expect(Payment.offerIn(result({ isError: true, content: [{ type: 'text', text: 'x402 failed: {' }] }))).toBeUndefined()
    expect(Payment.offerIn(result({ isError: true, structuredContent: { accepts: [] } }))).toBeUndefined()
    expect(Payment.offerIn(error(-32042, { elicitations: [{ url: 'https://x' }] }))).toBeUndefined()
    expect(Payment.offerIn(error(-32603))).toBeUndefined()
  })
})

describe('the x402 retry and its payment response', () => {
  const payload = { x402Version: 2, accepted: accept, payload: { signature: '0xsecret-signature', authorization: { from: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC' } } }
  const paid = { challengeId: 'x402-1', payload }
  const answer = (settled: unknown, extra: Record<string, unknown> = {}) => result({ content: [], _meta: { [Payment.x402ResponseKey]: settled }, ...extra })
  const tx = `0x${'ab'.repeat(32)}`

  test('the payload joins the host\'s _meta under x402/payment, on a new id', () => {
    const request = { jsonrpc: '2.0' as const, id: 7, method: 'tools/call', params: { name: 'search', _meta: { progressToken: 3 } } }
    expect(Payment.withX402Payment(request, 'paid-1', payload)).toEqual({ ...request, id: 'paid-1', params: { name: 'search', _meta: { progressToken: 3, 'x402/payment': payload } } })
    expect(Payment.secretsOf({ payload })).toEqual(['0xsecret-signature'])
  })

  test('success, the network, the payer and the transaction make a receipt', () => {
    expect(Payment.x402ReceiptFor(answer({ success: true, transaction: tx, network: 'eip155:8453', payer: payload.payload.authorization.from }), paid)).toEqual({
      ok: true,
      receipt: { status: 'success', method: 'x402', challengeId: 'x402-1', reference: tx },
    })
  })

  const bad: [string, unknown, RegExp][] = [
    ['no response', undefined, /no payment response/],
    ['success false', { success: false, errorReason: 'insufficient_funds', transaction: '', network: 'eip155:8453' }, /did not succeed \(insufficient_funds\)/],
    ['another network', { success: true, transaction: tx, network: 'eip155:1' }, /network "eip155:1"/],
    ['another payer', { success: true, transaction: tx, network: 'eip155:8453', payer: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8' }, /another payer/],
    ['no transaction', { success: true, network: 'eip155:8453' }, /no transaction/],
    ['more than approved', { success: true, transaction: tx, network: 'eip155:8453', amount: '10001' }, /more than the 10000 approved/],
    ['less than an exact payment', { success: true, transaction: tx, network: 'eip155:8453', amount: '5' }, /not the 10000 of an exact payment/],
    ['a garbled amount', { success: true, transaction: tx, network: 'eip155:8453', amount: '1e4' }, /whole number/],
  ]
  test.each(bad)('%s is no receipt', (_, settled, problem) => {
    const outcome = Payment.x402ReceiptFor(answer(settled), paid)
    expect(outcome.ok).toBe(false)
    if (!outcome.ok) expect(outcome.problem).toMatch(problem)
  })

  test('upto: a settled amount up to the ceiling is the receipt\'s; nothing settled needs no transaction', () => {
    const upto = { ...paid, payload: { ...payload, accepted: { ...accept, scheme: 'upto' } } }
    expect(Payment.x402ReceiptFor(answer({ success: true, transaction: tx, network: 'eip155:8453', amount: '4000' }), upto)).toMatchObject({ ok: true, receipt: { amount: '4000', reference: tx } })
    expect(Payment.x402ReceiptFor(answer({ success: true, transaction: '', network: 'eip155:8453', amount: '0' }), upto)).toEqual({ ok: true, receipt: { status: 'success', method: 'x402', challengeId: 'x402-1', amount: '0' } })
  })
})
