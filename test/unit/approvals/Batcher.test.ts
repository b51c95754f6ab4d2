import { describe, expect, test } from 'vitest'
import * as Batcher from '../../../main/approvals/Batcher.js'
import type { Decision } from '../../../main/approvals/Decision.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Database from '../../../main/ledger/Database.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as challenges from '../payments/challenges.js'
import { ledger, reopen } from '../ledger/temp.js'
import { registry, setup, upstream, usd } from './setup.js'

/** Counts the outermost transactions opened on `db` (nested ones are savepoints). */
function countTransactions(db: Database.Database) {
  const counter = { outer: 0 }
  const transaction = db.transaction.bind(db)
  db.transaction = ((fn: (...args: never[]) => unknown) => {
    if (!db.inTransaction) counter.outer++
    return transaction(fn)
  }) as typeof db.transaction
  return counter
}

describe('Batcher.decide', () => {
  test('decisions of one turn share one transaction, in order, and never overspend the budget', async () => {
    const t = setup()
    Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('0.30'), now: 0 })
    const transactions = countTransactions(t.db)
    const committed: boolean[] = []
    const decisions = await Promise.all(
      Array.from({ length: 40 }, () =>
        Batcher.decide(t.db, t.request([challenges.tempo(t.clock.now, { amount: '50000' })]), { now: t.clock.now, registry }).then((decision) => {
          committed.push(!t.db.inTransaction) // handed out only once the batch has committed
          return decision
        }),
      ),
    )
    expect(transactions.outer).toBe(1)
    expect(committed.every(Boolean)).toBe(true)
    expect(decisions.slice(0, 6).map((decision) => decision.kind)).toEqual(Array(6).fill('approved'))
    expect(decisions.slice(6).every((decision) => decision.kind === 'declined' && decision.reason === 'budget_exceeded')).toBe(true)
    expect(t.reservedToday()).toBe(usd('0.30'))
    expect(decisions.map((decision) => (decision as { paymentId: number }).paymentId)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1))
  })

  test('a request that throws fails alone; the others of its batch are recorded', async () => {
    const t = setup()
    Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
    const decide = (request: unknown) => Batcher.decide(t.db, request as never, { now: t.clock.now, registry })
    const results = await Promise.allSettled([
      decide(t.request([challenges.tempo(t.clock.now)])),
      decide({ ...t.request([challenges.tempo(t.clock.now)]), operation: 'rules/add' }),
      decide(t.request([challenges.tempo(t.clock.now)])),
    ])
    expect(results.map((result) => result.status)).toEqual(['fulfilled', 'rejected', 'fulfilled'])
    expect((results[1] as PromiseRejectedResult).reason).toBeInstanceOf(TypeError)
    expect(t.rows().map((row) => row.state)).toEqual(['approved', 'approved'])
  })

  test('when the batch cannot take the write lock, every decision in it fails and nothing is recorded', async () => {
    const db = ledger()
    db.close()
    const impatient = Database.open(db.path, { busyTimeout: 50 })
    const other = reopen(db.path)
    other.exec('BEGIN IMMEDIATE') // another process deciding, or a CLI write, holding the lock
    const t = setup()
    const decide = () => Batcher.decide(impatient, t.request([challenges.tempo(t.clock.now)]), { now: t.clock.now, registry })
    const results = await Promise.allSettled([decide(), decide()])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected'])
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ code: 'SQLITE_BUSY' })
    other.exec('ROLLBACK')
    expect(Payments.list(impatient)).toEqual([])
    // The next turn batches afresh.
    expect(((await decide()) as Decision).kind).toBe('ask')
    impatient.close()
  })

  test('each batch reads the policy afresh: a rule the CLI adds between turns decides the next batch', async () => {
    const t = setup()
    Budgets.add(t.db, { period: 'day', scope: {}, unit: 'usd', amount: usd('1'), now: 0 })
    const decide = () => Batcher.decide(t.db, t.request([challenges.tempo(t.clock.now)]), { now: t.clock.now, registry })
    expect((await Promise.all([decide(), decide()])).map((decision) => decision.kind)).toEqual(['ask', 'ask'])
    const cli = reopen(t.db.path)
    const rule = Rules.add(cli, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
    expect(await Promise.all([decide(), decide()])).toMatchObject([
      { kind: 'approved', decidedBy: `rule:${rule.id}` },
      { kind: 'approved', decidedBy: `rule:${rule.id}` },
    ])
    Rules.add(cli, { kind: 'limit', scope: {}, unit: 'usd', amount: 0n, now: 0 })
    expect(await decide()).toMatchObject({ kind: 'declined', reason: 'over_limit' })
    expect(t.reservedToday()).toBe(usd('0.10'))
  })

  test('a burst larger than one batch is split over turns', async () => {
    const t = setup()
    Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
    const transactions = countTransactions(t.db)
    const decisions = await Promise.all(
      Array.from({ length: 300 }, () => Batcher.decide(t.db, t.request([challenges.tempo(t.clock.now, { amount: '1' })]), { now: t.clock.now, registry })),
    )
    expect(decisions.every((decision) => decision.kind === 'approved')).toBe(true)
    expect(transactions.outer).toBe(2)
  })
})

describe('Batcher.signed', () => {
  test("signed marks commit with the turn's decisions, in one transaction, and resolve after it", async () => {
    const t = setup()
    Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
    const decide = () => Batcher.decide(t.db, t.request([challenges.tempo(t.clock.now)]), { now: t.clock.now, registry })
    const approved = (await Promise.all([decide(), decide()])) as { paymentId: number }[]
    const transactions = countTransactions(t.db)
    const committed: boolean[] = []
    const marked = approved.map(({ paymentId }) => Batcher.signed(t.db, paymentId, { now: 1 }).then(() => committed.push(!t.db.inTransaction)))
    await Promise.all([...marked, decide()])
    expect(transactions.outer).toBe(1)
    expect(committed).toEqual([true, true])
    expect(t.rows().map((row) => row.state)).toEqual(['approved', 'signed', 'signed'])
  })

  test('a mark for a payment that is not approved fails alone', async () => {
    const t = setup()
    const asked = (await Batcher.decide(t.db, t.request([challenges.tempo(t.clock.now)]), { now: t.clock.now, registry })) as { paymentId: number }
    Rules.add(t.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: usd('1'), now: 0 })
    const approved = (await Batcher.decide(t.db, t.request([challenges.tempo(t.clock.now)]), { now: t.clock.now, registry })) as { paymentId: number }
    const results = await Promise.allSettled([Batcher.signed(t.db, asked.paymentId, { now: 1 }), Batcher.signed(t.db, approved.paymentId, { now: 1 })])
    expect(results.map((result) => result.status)).toEqual(['rejected', 'fulfilled'])
    expect((results[0] as PromiseRejectedResult).reason).toMatchObject({ message: `Payment ${asked.paymentId} is requested; it cannot become signed.` })
    expect(t.rows().map((row) => row.state)).toEqual(['signed', 'requested'])
  })
})
