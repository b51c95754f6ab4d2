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

  test('migrating names the lease each lease-approved payment is charged to', () => {
    const db = ledger()
    db.close()
    const raw = new BetterSqlite3(db.path)
    raw.exec('DROP TABLE budget_usage; ALTER TABLE payments DROP COLUMN lease_id')
    raw.pragma('user_version = 1')
    raw.exec(`INSERT INTO leases (created_at, expires_at, upstream, unit, amount) VALUES (0, 1, 'u', 'usd', '1')`)
    const row = `INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash, decided_by)
      VALUES (0, 0, 'approved', 'h', 'u', 'tools/call', 't', 'x', ?)`
    for (const decidedBy of ['lease:1', 'rule:1', 'human']) raw.prepare(row).run(decidedBy)
    raw.close()
    const migrated = reopen(db.path)
    expect(migrated.prepare('SELECT lease_id FROM payments ORDER BY id').pluck().all()).toEqual([1, null, null])
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

describe('immediate', () => {
  test('wraps a function once per connection; nested, it is a savepoint that rolls back alone', () => {
    const db = ledger()
    const put = (key: string, fail: boolean) => {
      db.prepare('INSERT INTO settings (key, value) VALUES (?, 1)').run(key)
      if (fail) throw new Error('no')
    }
    expect(Database.immediate(db, put)).toBe(Database.immediate(db, put))
    db.transaction(() => {
      Database.immediate(db, put)('kept', false)
      expect(() => Database.immediate(db, put)('undone', true)).toThrow('no')
    }).immediate()
    expect(db.prepare('SELECT key FROM settings').pluck().all()).toEqual(['kept'])
    expect(() => Database.immediate(db, put)('alone', true)).toThrow('no')
    expect(db.inTransaction).toBe(false)
    expect(db.prepare('SELECT key FROM settings').pluck().all()).toEqual(['kept'])
  })
})
