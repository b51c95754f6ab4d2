import BetterSqlite3 from 'better-sqlite3'
import { rmSync } from 'node:fs'
import { describe, expect, test } from 'vitest'
import * as Database from '../../../main/ledger/Database.js'
import { migrations } from '../../../main/ledger/migrations.js'
import * as Payments from '../../../main/ledger/Payments.js'
import { recover } from '../../../main/ledger/Recovery.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Scope from '../../../main/ledger/Scope.js'
import { ledger, reopen } from './temp.js'

/** The SQL texts `run` prepares on `db` (each ledger function prepares its statements on first use). */
function prepared(db: Database.Database, run: () => void): string[] {
  const texts: string[] = []
  const prepare = db.prepare
  db.prepare = ((sql: string) => (texts.push(sql), prepare.call(db, sql))) as typeof db.prepare
  try {
    run()
  } finally {
    db.prepare = prepare
  }
  return texts
}

/** Null for each named parameter of `sql`: enough to plan it. */
function sqlParameters(sql: string): Record<string, null> {
  return Object.fromEntries([...sql.matchAll(/@(\w+)/g)].map((match) => [match[1]!, null]))
}

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
    rmSync(db.path)
    const raw = new BetterSqlite3(db.path)
    raw.exec(migrations[0]!)
    raw.pragma('user_version = 1')
    raw.exec(`INSERT INTO leases (created_at, expires_at, upstream, unit, amount) VALUES (0, 1, 'u', 'usd', '1')`)
    const row = `INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash, decided_by)
      VALUES (0, 0, 'approved', 'h', 'u', 'tools/call', 't', 'x', ?)`
    for (const decidedBy of ['lease:1', 'rule:1', 'human']) raw.prepare(row).run(decidedBy)
    raw.close()
    const migrated = reopen(db.path)
    expect(migrated.prepare('SELECT lease_id FROM payments ORDER BY id').pluck().all()).toEqual([1, null, null])
  })

  test('migrating to OR chains keeps every payment row, its id and the id sequence', () => {
    const db = ledger()
    db.close()
    rmSync(db.path)
    const raw = new BetterSqlite3(db.path)
    for (const migration of migrations.slice(0, 4)) raw.exec(migration)
    raw.pragma('user_version = 4')
    const row = `INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash, budget_unit, budget_amount, decided_at)
      VALUES (0, 0, ?, 'h', 'u', 'tools/call', 't', 'x', 'usd', '5', 1)`
    for (const state of ['settled', 'declined', 'signed']) raw.prepare(row).run(state)
    raw.prepare('DELETE FROM payments WHERE id = 3').run() // the sequence, not the last row, numbers the next payment
    raw.close()
    const migrated = reopen(db.path)
    // Migration 6 then takes a settled row (a server's receipt) for accepted: it is checked again.
    expect(migrated.prepare('SELECT id, state FROM payments ORDER BY id').all()).toEqual([
      { id: 1, state: 'accepted' },
      { id: 2, state: 'declined' },
    ])
    expect(migrated.prepare(row).run('approved').lastInsertRowid).toBe(4)
    expect(() => migrated.prepare(row).run('paid')).toThrow(/CHECK constraint failed/)
    expect(Payments.reserved(migrated, { unit: 'usd', start: 0, end: 2, scope: Scope.normalize({}) })).toBe(10n)
  })

  test('migration 6 carries a ledger of the previous schema forward: every row and id, settled as accepted, the new columns empty', () => {
    const db = ledger()
    db.close()
    rmSync(db.path)
    const raw = new BetterSqlite3(db.path)
    for (const migration of migrations.slice(0, 5)) raw.exec(migration)
    raw.pragma('user_version = 5')
    raw.exec(`INSERT INTO leases (created_at, expires_at, upstream, unit, amount, spent) VALUES (0, 9, 'u', 'usd', '100', '7')`)
    raw.exec(`INSERT INTO rules (created_at, kind, upstream, unit, amount) VALUES (0, 'auto_approve', 'u', 'usd', '50')`)
    const row = `INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash, recipient, budget_unit,
        budget_amount, amount_atomic, decision, decided_by, decided_at, receipt_reference, settled_at, lease_id)
      VALUES (0, 0, ?, 'h', 'u', 'tools/call', 't', 'x', '0xAbC', 'usd', '7', '7', ?, 'lease:1', 1, ?, ?, 1)`
    const states = ['requested', 'approved', 'declined', 'signed', 'settled', 'failed', 'unconfirmed'] as const
    for (const state of states) {
      const settled = state === 'settled'
      raw.prepare(row).run(state, state === 'requested' ? null : state === 'declined' ? 'declined' : 'approved', settled ? '0xfeed' : null, settled ? 5 : null)
    }
    raw.close()

    const migrated = reopen(db.path)
    expect(Database.version(migrated)).toBe(migrations.length)
    const rows = Payments.list(migrated).sort((a, b) => a.id - b.id)
    expect(rows.map((payment) => [payment.id, payment.state])).toEqual(states.map((state, index) => [index + 1, state === 'settled' ? 'accepted' : state]))
    expect(rows[4]).toMatchObject({ receiptReference: '0xfeed', acceptedAt: 5, leaseId: 1, round: 1, previousPaymentId: null, evidence: null, fee: null, settledAmountAtomic: null, transactionReference: null, confirmedAt: null })
    expect(Rules.list(migrated)).toMatchObject([{ upstream: 'u', amount: 50n, recipient: null }])
    // A recipient is now known per server, case-insensitively.
    expect(Payments.seenRecipient(migrated, 'u', '0xabc')).toBe(true)
    expect(Payments.seenRecipient(migrated, 'other', '0xabc')).toBe(false)
    // The new states are accepted, and the id sequence goes on.
    expect(Payments.insert(migrated, { now: 0, state: 'requested', context: { host: 'h', upstream: 'u', operation: 'tools/call', target: 't' }, argumentsHash: 'x' })).toBe(8)
    expect(Payments.transition(migrated, 8, { from: ['requested'], to: 'confirmed', now: 1 })).toBe(true)
    expect(() => migrated.prepare(`UPDATE payments SET state = 'settled' WHERE id = 8`).run()).toThrow(/CHECK constraint failed/)
    // What was reserved before is reserved after: approved, signed, accepted (was settled), unconfirmed.
    expect(Payments.reserved(migrated, { unit: 'usd', start: 0, end: 2, scope: Scope.normalize({}) })).toBe(28n)
  })

  test('the x402 migration keeps every earlier row as MPP, with no scheme, and admits only the two protocols', () => {
    const db = ledger()
    db.close()
    rmSync(db.path)
    const raw = new BetterSqlite3(db.path)
    const before = migrations.length - 1
    for (const migration of migrations.slice(0, before)) raw.exec(migration)
    raw.pragma(`user_version = ${before}`)
    raw.exec(`INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash) VALUES (0, 0, 'declined', 'h', 'u', 'tools/call', 't', 'x')`)
    raw.close()
    const migrated = reopen(db.path)
    expect(Payments.get(migrated, 1)).toMatchObject({ protocol: 'mpp', details: null })
    const context = { host: 'h', upstream: 'u', operation: 'tools/call', target: 't' } as const
    expect(Payments.get(migrated, Payments.insert(migrated, { now: 0, state: 'declined', context, argumentsHash: 'x', protocol: 'x402' }))).toMatchObject({ protocol: 'x402' })
    expect(() => migrated.prepare(`UPDATE payments SET protocol = 'lightning' WHERE id = 1`).run()).toThrow(/CHECK constraint failed/)
  })

  test('recording and moving a payment builds no temporary b-tree, and budget sums and recovery use their indexes', () => {
    const db = ledger()
    const opcodes = (sql: string, values: unknown[]) => (db.prepare(`EXPLAIN ${sql}`).all(...values) as { opcode: string }[]).map((op) => op.opcode)
    const insert = `INSERT INTO payments (created_at, updated_at, state, host, upstream, operation, target, arguments_hash, decision)
      VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)`
    expect(opcodes(insert, [0, 0, 'declined', 'h', 'u', 'tools/call', 't', 'x', 'declined'])).not.toContain('OpenEphemeral')
    expect(opcodes('UPDATE payments SET state = ?, decision = ? WHERE id = ?', ['approved', 'approved', 1])).not.toContain('OpenEphemeral')

    const plan = (run: () => void) =>
      prepared(db, run).flatMap((sql) => (db.prepare(`EXPLAIN QUERY PLAN ${sql}`).all(sqlParameters(sql)) as { detail: string }[]).map((step) => step.detail))
    expect(plan(() => Payments.reserved(db, { unit: 'usd', start: 0, end: 1, scope: Scope.normalize({}) })).join()).toMatch(/USING INDEX payments_budget/)
    expect(plan(() => recover(db, 0)).join()).toMatch(/USING COVERING INDEX payments_in_flight/)
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
