// The money that pays, watched: default warning levels from the budgets, and what each card refusal
// asks the user to do. (Balances on a real chain: test/e2e/funds.test.ts.)
import { expect, test } from 'vitest'
import * as Funds from '../../../main/companion/Funds.js'
import type * as Budgets from '../../../main/ledger/Budgets.js'
import { CardError } from '../../../main/payments/StripeApi.js'

const budget = (amount: bigint, scope: Partial<Budgets.Budget> = {}, unit = 'usd'): Budgets.Budget =>
  ({ id: 0, createdAt: 0, period: 'day', label: null, upstream: null, operation: null, target: null, host: null, unit, amount, ...scope }) as Budgets.Budget

test('what the budgets could spend in a day: the smallest budget for everything, else each scope’s smallest added up; none without a budget', () => {
  expect(Funds.dailyCapacity([], 'usd')).toBeUndefined()
  expect(Funds.dailyCapacity([budget(2_000_000n), budget(5_000_000n, { period: 'week' })], 'usd')).toBe(2_000_000n)
  // A week's budget smaller than the day's bounds a day too.
  expect(Funds.dailyCapacity([budget(9_000_000n), budget(5_000_000n, { period: 'week' })], 'usd')).toBe(5_000_000n)
  const a = { upstream: 'https://a.example/mcp' }
  const b = { upstream: 'https://b.example/mcp' }
  expect(Funds.dailyCapacity([budget(1_000_000n, a), budget(3_000_000n, { ...a, period: 'month' }), budget(500_000n, b)], 'usd')).toBe(1_500_000n)
  expect(Funds.dailyCapacity([budget(1_000_000n, a), budget(700_000n)], 'usd')).toBe(700_000n)
  expect(Funds.dailyCapacity([budget(1_000_000n, {}, 'iso:eur')], 'usd')).toBeUndefined()
})

test('micro-dollars as a pegged token’s atomic units, rounded up', () => {
  expect(Funds.fromMicroUsd(2_000_000n, 6)).toBe(2_000_000n)
  expect(Funds.fromMicroUsd(2_000_000n, 18)).toBe(2_000_000_000_000_000_000n)
  expect(Funds.fromMicroUsd(1n, 2)).toBe(1n)
  expect(Funds.fromMicroUsd(1_250_000n, 2)).toBe(125n)
})

test('each card refusal says what to do; Stripe unreachable or busy is no card problem', () => {
  const advice = (code: string) => Funds.cardAdvice(new CardError(code, 'x'))?.title
  expect(advice('card_declined/generic_decline')).toBe('Your card was declined')
  expect(advice('card_declined/expired_card')).toBe('Your card has expired')
  expect(advice('card_declined/authentication_required')).toBe('Your card needs you to confirm payments')
  expect(advice('card_declined/insufficient_funds')).toBe('Your card has insufficient funds')
  expect(advice('card_declined/currency_not_supported')).toBe('Your card cannot pay in this currency')
  expect(advice('api_key_expired')).toBe('Your Stripe key has expired')
  expect(advice('authentication_error')).toBe('Stripe rejected your key')
  for (const transient of ['api_connection_error', 'rate_limit', 'api_error']) expect(advice(transient)).toBeUndefined()
})
