import { describe, expect, it } from 'vitest'
import { check, idOf } from '../../../main/bridge/JsonRpc.js'
import { withPaymentCapability } from '../../../main/bridge/Relay.js'

describe('JsonRpc.check', () => {
  it('accepts requests, notifications, results and errors, returning the very same object', () => {
    const messages = [
      { jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'x' }, extra: 'kept' },
      { jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: 1, progress: 1 } },
      { jsonrpc: '2.0', id: 'a', result: { content: [] } },
      { jsonrpc: '2.0', id: null, error: { code: -32700, message: 'Parse error' } },
    ]
    for (const message of messages) expect(check(message)).toEqual({ ok: true, message })
    expect((check(messages[0]) as { message: unknown }).message).toBe(messages[0])
  })

  it.each([
    [[], /batches/],
    ['text', /not a JSON object/],
    [{ jsonrpc: '1.0', id: 1, method: 'x' }, /jsonrpc/],
    [{ jsonrpc: '2.0', id: {}, method: 'x' }, /id/],
    [{ jsonrpc: '2.0', id: 1, method: 5 }, /method/],
    [{ jsonrpc: '2.0', id: 1, method: 'x', params: 'p' }, /params/],
    [{ jsonrpc: '2.0', id: 1 }, /exactly one of result and error/],
    [{ jsonrpc: '2.0', id: 1, result: {}, error: { code: 1, message: 'm' } }, /exactly one/],
    [{ jsonrpc: '2.0', id: 1, error: { code: 1.5, message: 'm' } }, /integer code/],
    [{ jsonrpc: '2.0', method: 'x', id: null }, /id/],
  ])('refuses %j', (value, reason) => {
    const result = check(value)
    expect(result.ok).toBe(false)
    expect((result as { reason: string }).reason).toMatch(reason)
  })

  it('finds the id of a malformed request so it can be answered', () => {
    expect(idOf({ id: 7, foo: 1 })).toBe(7)
    expect(idOf({ id: { nested: true } })).toBeNull()
    expect(idOf('x')).toBeNull()
  })
})

describe('withPaymentCapability', () => {
  it("adds experimental.payment and keeps everything the host declared", () => {
    const request = {
      jsonrpc: '2.0' as const,
      id: 0,
      method: 'initialize',
      params: { protocolVersion: '2025-06-18', capabilities: { roots: { listChanged: true }, experimental: { mine: {} } }, clientInfo: { name: 'Cursor', version: '1' }, _meta: { k: 1 } },
    }
    const augmented = withPaymentCapability(request)
    expect(augmented.params).toEqual({
      ...request.params,
      capabilities: { roots: { listChanged: true }, experimental: { mine: {}, payment: { methods: { evm: { intents: ['charge'] }, tempo: { intents: ['charge', 'session', 'subscription'] }, stripe: { intents: ['charge'] } } } } },
    })
    expect(request.params.capabilities.experimental).toEqual({ mine: {} }) // the host's message is not mutated
  })
})

describe('keeping credentials out of what the bridge records', () => {
  it('finds the signature and SPT of a credential and redacts them from server text; public parts stay', async () => {
    const { redact, secretsOf } = await import('../../../main/bridge/Payment.js')
    const signature = `0x${'ab'.repeat(65)}`
    const secrets = secretsOf({ payload: { type: 'authorization', from: '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC', signature, nested: { spt: 'spt_123456789' } } })
    expect(secrets).toEqual([signature, 'spt_123456789'])
    expect(redact(`bad authorization ${signature} from 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC (spt_123456789)`, secrets)).toBe(
      'bad authorization [redacted] from 0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC ([redacted])',
    )
  })
})
