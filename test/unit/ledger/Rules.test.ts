// Of two rules with the same kind, scope, unit and recipient only one can decide: setting, editing
// or restoring a rule never leaves twins in force, and the one replaced names its successor.
import { expect, test } from 'vitest'
import * as Rules from '../../../main/ledger/Rules.js'
import { ledger } from './temp.js'

const upstream = 'https://tools.example.com/mcp'
const rule = (amount: bigint, scope: Rules.add.Parameters['scope'] = { upstream }) =>
  ({ kind: 'auto_approve', scope, unit: 'usd', amount, recipient: null, label: null, now: 1 }) as const

test('a twin set in its place replaces a rule: the old one names the new, and cannot be restored over it', () => {
  const db = ledger()
  const first = Rules.add(db, rule(50_000n))
  const { rule: second, replaced } = Rules.set(db, rule(80_000n))
  expect(replaced).toEqual([first.id])
  expect(Rules.list(db).map((each) => each.id)).toEqual([second.id])
  expect(Rules.replacement(db, first.id)).toBe(second.id)
  expect(() => Rules.restore(db, first.id, { now: 2, within: 60_000 })).toThrow(`Rule ${first.id} was edited into rule ${second.id}`)
})

test('an edit that makes a rule the twin of another replaces both with one', () => {
  const db = ledger()
  const wide = Rules.add(db, rule(50_000n, {}))
  const narrow = Rules.add(db, rule(10_000n))
  const changed = Rules.change(db, narrow.id, { scope: {} }, 2)!
  expect(changed.replaced).toEqual([wide.id])
  expect(Rules.list(db).map((each) => [each.id, each.amount])).toEqual([[changed.rule.id, 10_000n]])
  expect([Rules.replacement(db, wide.id), Rules.replacement(db, narrow.id)]).toEqual([changed.rule.id, changed.rule.id])
})

test('a removed rule is not restored beside a twin added since', () => {
  const db = ledger()
  const removed = Rules.add(db, rule(50_000n))
  Rules.remove(db, removed.id, 2)
  const twin = Rules.add(db, rule(70_000n))
  expect(() => Rules.restore(db, removed.id, { now: 3, within: 60_000 })).toThrow(`Rule ${twin.id} now says the same for this scope; change that one instead.`)
  expect(Rules.list(db).map((each) => each.id)).toEqual([twin.id])
})
