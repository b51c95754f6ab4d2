// The payment methods as one list: each implements the whole Method interface, the bridge
// advertises exactly the MPP ones, and a method not in the list is refused as unsupported.
import { describe, expect, test } from 'vitest'
import * as Capability from '../../../main/bridge/Capability.js'
import * as Config from '../../../main/companion/Config.js'
import * as Challenge from '../../../main/payments/Challenge.js'
import type * as Method from '../../../main/payments/methods/Method.js'
import * as Methods from '../../../main/payments/methods/Methods.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import * as X402 from '../../../main/payments/methods/x402/X402.js'
import * as challenges from './challenges.js'

const now = new Date('2026-03-01T12:00:00Z')
const registry = TokenRegistry.create()
const options = { now, registry }

/** Every member of Method.Method: what each is, and whether a method may leave it out. */
const members: Record<keyof Method.Method, { kind: 'string' | 'array' | 'function' | 'boolean'; optional?: true }> = {
  name: { kind: 'string' },
  protocol: { kind: 'string' },
  intents: { kind: 'array' },
  paysWith: { kind: 'string' },
  proves: { kind: 'boolean', optional: true },
  check: { kind: 'function' },
  describe: { kind: 'function' },
  canSign: { kind: 'function' },
  sign: { kind: 'function' },
  broadcasts: { kind: 'function' },
  track: { kind: 'function' },
  confirm: { kind: 'function' },
  estimateFee: { kind: 'function', optional: true },
  explainRefusal: { kind: 'function', optional: true },
  cancelSubscription: { kind: 'function', optional: true },
  subscriptionCharges: { kind: 'function', optional: true },
}

describe('Methods', () => {
  test.each(Methods.all.map((method) => [method.name, method] as const))('%s implements every member of Method', (name, method) => {
    for (const [member, { kind, optional }] of Object.entries(members)) {
      const value = (method as Record<string, unknown>)[member]
      if (value === undefined && optional) continue
      if (kind === 'array') expect(Array.isArray(value), member).toBe(true)
      else expect(typeof value, member).toBe(kind)
    }
    expect(Object.keys(method).filter((key) => !(key in members))).toEqual([])
    expect(name).toMatch(/^[a-z][a-z0-9:_-]*$/)
    expect(method.intents.length).toBeGreaterThan(0)
    expect(['wallet', 'card']).toContain(method.paysWith)
    expect(['mpp', 'x402']).toContain(method.protocol)
    expect(Methods.find(name)).toBe(method)
  })

  test('names are unique and listed in the default order of preference', () => {
    expect(Methods.names).toEqual(['evm', 'tempo', 'stripe', 'x402'])
    expect(new Set(Methods.names).size).toBe(Methods.all.length)
    expect(Config.read('/nonexistent/settings.json').methodPreference).toEqual([...Methods.names])
  })

  test('every currency of the registry belongs to a listed method', () => {
    for (const entry of registry.entries) expect(Methods.names).toContain(entry.method)
  })

  test('the bridge advertises exactly the listed MPP methods and their intents (x402 has no MPP capability)', () => {
    const mpp = Methods.all.filter((method) => method.protocol === 'mpp')
    const listed = Object.fromEntries(mpp.map((method) => [method.name, { intents: [...method.intents] }]))
    expect(JSON.parse(JSON.stringify(Capability.advertised.methods))).toEqual(listed)
  })

  test('a valid challenge for a method not in the list is refused as unsupported', () => {
    expect(Methods.find('lightning')).toBeUndefined()
    const result = Challenge.validate({ ...challenges.tempo(now), method: 'lightning' }, options)
    expect(result).toEqual({ ok: false, reason: 'unsupported_method', message: 'Allowance cannot pay with the "lightning" payment method.' })
  })

  test('each listed method validates its own challenge and describes it for the card', () => {
    const x402 = X402.challenges(challenges.x402(), { upstream: 'https://tools.example.com/mcp' })[0]
    const offered = { evm: challenges.evm(now), tempo: challenges.tempo(now), stripe: challenges.stripe(now), x402 }
    for (const method of Methods.all) {
      const result = Challenge.validate(offered[method.name], options)
      if (!result.ok) throw new Error(result.message)
      expect(result.payment.method).toBe(method.name)
      expect(method.describe({ symbol: result.payment.currency.symbol, chainId: result.payment.chainId, scheme: result.payment.scheme }).length).toBeGreaterThan(0)
    }
  })
})
