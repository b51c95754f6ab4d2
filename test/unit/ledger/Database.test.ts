import BetterSqlite3 from 'better-sqlite3'
import { describe, expect, test } from 'vitest'
import * as Database from '../../../main/ledger/Database.js'
import { migrations } from '../../../main/ledger/migrations.js'
import { ledger, reopen } from './temp.js'

describe('open', () => {
  test('creates the schema in WAL mode with a busy timeout and foreign keys', () => {
    const db = ledger()
    expect(db.pragma('journal_mode', { simple: true })).toBe('wal')
    expect(db.pragma('busy_timeout', { simple: true })).toBe(5000)
    expect(db.pragma('foreign_keys', { simple: true })).toBe(1)
    expect(Database.version(db)).toBe(migrations.length)
    const tables = db.prepare("SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name").pluck().all()
    expect(tables).toEqual(expect.arrayContaining(['budgets', 'leases', 'payments', 'rules', 'settings']))
  })

  test('reopening is idempotent and keeps the data', () => {
    const db = ledger()
    db.prepare("INSERT INTO settings (key, value) VALUES ('paused', 'true')").run()
    db.close()
    const again = reopen(db.path)
    expect(Database.version(again)).toBe(migrations.length)
    expect(again.prepare("SELECT value FROM settings WHERE key = 'paused'").pluck().get()).toBe('true')
  })

  test('refuses a ledger from a newer version of Allowance, and leaves it untouched', () => {
    const db = ledger()
    db.pragma(`user_version = ${migrations.length + 1}`)
    db.close()
    expect(() => Database.open(db.path)).toThrow(Database.NewerSchemaError)
    expect(() => Database.open(db.path)).toThrow(/newer than this version of Allowance understands/)
    const raw = new BetterSqlite3(db.path)
    expect(raw.pragma('user_version', { simple: true })).toBe(migrations.length + 1)
    raw.close()
  })

  test('has no column that could hold a credential, signature, token or key', () => {
    const db = ledger()
    const columns = db
      .prepare("SELECT m.name || '.' || p.name FROM sqlite_master m JOIN pragma_table_info(m.name) p WHERE m.type = 'table'")
      .pluck()
      .all() as string[]
    expect(columns.filter((column) => /credential|signature|spt|secret|private|payload|token/i.test(column))).toEqual([])
  })

  test('bigsum adds integer strings beyond 64 bits exactly', () => {
    const db = ledger()
    const big = (2n ** 200n).toString()
    expect(db.prepare('SELECT bigsum(v) FROM (SELECT ? AS v UNION ALL SELECT ? UNION ALL SELECT NULL)').pluck().get(big, '1')).toBe(
      (2n ** 200n + 1n).toString(),
    )
    expect(db.prepare('SELECT bigsum(v) FROM (SELECT 1 AS v WHERE 0)').pluck().get()).toBe('0')
  })
})
