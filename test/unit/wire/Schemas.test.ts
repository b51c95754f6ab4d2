// The payment request on the companion's socket carries MPP challenges, an x402 PaymentRequired,
// or both; one with neither is refused and changes nothing.
import { describe, expect, test } from 'vitest'
import * as Schemas from '../../../main/wire/Schemas.js'
import { version } from '../../../main/wire/Messages.js'

const request = (patch: Record<string, unknown>) =>
  JSON.stringify({
    v: version,
    id: 1,
    type: 'payment.request',
    request: { host: { name: 'h' }, upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search', challenges: [], call: 'call-1', ...patch },
  })

describe('payment.request', () => {
  test('MPP challenges, an x402 PaymentRequired, or both', () => {
    expect(Schemas.parse(request({ challenges: [{ id: 'c' }] })).ok).toBe(true)
    expect(Schemas.parse(request({ x402: { x402Version: 2, accepts: [] } })).ok).toBe(true)
    expect(Schemas.parse(request({ challenges: [{ id: 'c' }], x402: { x402Version: 2, accepts: [] } })).ok).toBe(true)
  })

  test('neither is refused with a sentence', () => {
    expect(Schemas.parse(request({}))).toEqual({
      ok: false,
      id: 1,
      error: { code: 'invalid_message', message: 'Invalid message at request.challenges: A payment request needs a challenge or an x402 payment request.' },
    })
  })

  test('an x402 receipt may say what was settled, as a whole number of atomic units', () => {
    const outcome = (amount: unknown) =>
      Schemas.parse(JSON.stringify({ v: version, id: 2, type: 'payment.outcome', paymentId: 1, outcome: { status: 'accepted', receipt: { status: 'success', method: 'x402', amount } } })).ok
    expect(outcome('20000')).toBe(true)
    expect(outcome('2e4')).toBe(false)
    expect(outcome(20000)).toBe(false)
  })
})
