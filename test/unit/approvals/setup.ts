import type { Decision } from '../../../main/approvals/Decision.js'
import * as Engine from '../../../main/approvals/Engine.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Amount from '../../../main/payments/Amount.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import { ledger } from '../ledger/temp.js'

export const upstream = 'https://tools.example.com/mcp'
export const registry = TokenRegistry.create()

/** A fresh ledger and a clock the test moves by hand. */
export function setup(start = new Date(2026, 2, 4, 12, 0, 0)) {
  const db = ledger()
  const clock = { now: start }
  let call = 0
  const request = (challenges: unknown[], overrides: Partial<Engine.decide.Request> = {}): Engine.decide.Request => ({
    host: 'Claude Code',
    upstream,
    operation: 'tools/call',
    target: 'search',
    arguments: { query: `q${++call}` },
    challenges,
    ...overrides,
  })
  return {
    db,
    clock,
    request,
    decide: (challenges: unknown[], overrides: Partial<Engine.decide.Request> = {}) =>
      Engine.decide(db, request(challenges, overrides), { now: clock.now, registry }),
    answer: (decision: Decision, response: Engine.answer.Response) => {
      if (decision.kind !== 'ask') throw new Error(`expected an ask, got ${JSON.stringify(decision, (_, v) => (typeof v === 'bigint' ? `${v}` : v))}`)
      return Engine.answer(db, decision.paymentId, response, { now: clock.now, registry, alternatives: decision.options.alternatives })
    },
    advance(seconds: number) {
      clock.now = new Date(clock.now.getTime() + seconds * 1000)
    },
    /** Everything reserved today in the usd unit, over all scopes. */
    reservedToday: () => {
      const budget = { period: 'day' as const, upstream: null, operation: null, target: null, host: null, unit: 'usd', amount: 0n, id: 0, createdAt: 0, label: null }
      return Budgets.usage(db, budget, clock.now).used
    },
    rows: () => Payments.list(db),
  }
}

/** Micro-USD from a dollar string. */
export const usd = (dollars: string) => Amount.fromDecimal(dollars, 6)
