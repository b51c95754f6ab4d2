import { expect, test } from 'vitest'
import * as Settings from '../../../main/ledger/Settings.js'
import { ledger } from './temp.js'

test('defaults, stored values, and refusal of invalid ones', () => {
  const db = ledger()
  expect(Settings.get(db)).toEqual({ paused: false, approvalTimeoutMs: 60_000, loopBreaker: { count: 5, seconds: 60 }, rechallenge: 'decline' })
  Settings.set(db, { paused: true, loopBreaker: { count: 3, seconds: 10 } })
  expect(Settings.get(db)).toMatchObject({ paused: true, loopBreaker: { count: 3, seconds: 10 } })
  expect(() => Settings.set(db, { approvalTimeoutMs: 5, paused: false })).toThrow(/approvalTimeoutMs/)
  expect(Settings.get(db).paused).toBe(true) // nothing of the invalid patch was stored
  expect(Settings.set(db, { rechallenge: 'ask' }).rechallenge).toBe('ask')
  expect(() => Settings.set(db, { rechallenge: 'always' as 'ask' })).toThrow(/rechallenge must be/)
})

test('a corrupt stored value falls back to its default', () => {
  const db = ledger()
  db.prepare("INSERT INTO settings (key, value) VALUES ('paused', '{not json'), ('approvalTimeoutMs', '-1')").run()
  expect(Settings.get(db)).toMatchObject({ paused: false, approvalTimeoutMs: 60_000 })
})
