import { expect, test } from 'vitest'
import type { Ask, Decision } from '../../../main/approvals/Decision.js'
import * as Queue from '../../../main/approvals/Queue.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Settings from '../../../main/ledger/Settings.js'
import * as challenges from '../payments/challenges.js'
import { registry, setup } from './setup.js'

function asks(t: ReturnType<typeof setup>, count: number): Ask[] {
  return Array.from({ length: count }, () => {
    const decision = t.decide([challenges.tempo(t.clock.now)])
    if (decision.kind !== 'ask') throw new Error(`expected an ask, got ${decision.kind}`)
    return decision
  })
}

test('entries wait oldest first; approving one resolves its request and tells subscribers', async () => {
  const t = setup()
  const queue = Queue.create({ db: t.db, registry: () => registry, now: () => t.clock.now })
  const events: string[] = []
  queue.on('added', (entry) => events.push(`added ${entry.paymentId}`))
  queue.on('resolved', (entry, decision) => events.push(`resolved ${entry.paymentId} ${decision.kind}`))
  const [a, b] = asks(t, 2)
  const first = queue.add(a!)
  t.advance(1)
  const second = queue.add(b!)
  expect(queue.list().map((entry) => entry.paymentId)).toEqual([a!.paymentId, b!.paymentId])

  expect(queue.approve(b!.paymentId)).toMatchObject({ kind: 'approved', decidedBy: 'human' })
  await expect(second).resolves.toMatchObject({ kind: 'approved', paymentId: b!.paymentId })
  expect(queue.decline(a!.paymentId)).toMatchObject({ kind: 'declined', reason: 'declined_by_user' })
  await expect(first).resolves.toMatchObject({ kind: 'declined', reason: 'declined_by_user' })
  expect(queue.list()).toEqual([])
  expect(events).toEqual([`added ${a!.paymentId}`, `added ${b!.paymentId}`, `resolved ${b!.paymentId} approved`, `resolved ${a!.paymentId} declined`])
  expect(() => queue.approve(a!.paymentId)).toThrow(/not waiting for approval/)
})

test('an unanswered payment times out to a timeout decline (timeout from settings)', async () => {
  const t = setup()
  Settings.set(t.db, { approvalTimeoutMs: 1_000 })
  const queue = Queue.create({ db: t.db, registry: () => registry })
  const [ask] = asks(t, 1)
  const started = Date.now()
  const decision = await queue.add(ask!)
  expect(Date.now() - started).toBeGreaterThanOrEqual(950)
  expect(decision).toMatchObject({ kind: 'declined', reason: 'timeout', message: expect.stringContaining('nobody approved it in time') })
  expect(Payments.get(t.db, ask!.paymentId)).toMatchObject({ state: 'declined', declineReason: 'timeout', decidedBy: 'policy' })
  expect(queue.list()).toEqual([])
})

test('decline all, cancel by the host, and close', async () => {
  const t = setup()
  const queue = Queue.create({ db: t.db, registry: () => registry, timeoutMs: 60_000 })
  const [a, b, c, d] = asks(t, 4)
  const pending = [a, b, c].map((ask) => queue.add(ask!))
  expect(queue.cancel(c!.paymentId)).toMatchObject({ kind: 'declined', reason: 'cancelled' })
  expect(queue.cancel(c!.paymentId)).toBeUndefined()
  expect(queue.declineAll().map((decision) => decision.kind)).toEqual(['declined', 'declined'])
  const results: Decision[] = await Promise.all(pending)
  expect(results.map((decision) => (decision.kind === 'declined' ? decision.reason : decision.kind))).toEqual(['declined_by_user', 'declined_by_user', 'cancelled'])

  const last = queue.add(d!)
  queue.close()
  await expect(last).resolves.toMatchObject({ kind: 'declined', reason: 'cancelled' })
  expect(Payments.list(t.db, { states: ['requested'] })).toEqual([])
})

test('a row answered elsewhere leaves the queue instead of blocking it', async () => {
  const t = setup()
  const queue = Queue.create({ db: t.db, registry: () => registry, timeoutMs: 60_000 })
  const [ask] = asks(t, 1)
  const pending = queue.add(ask!)
  Payments.transition(t.db, ask!.paymentId, { from: ['requested'], to: 'declined', now: 0 }) // e.g. recovery by another process
  expect(() => queue.approve(ask!.paymentId)).toThrow(/not waiting/)
  await expect(pending).resolves.toMatchObject({ kind: 'declined' })
  expect(queue.list()).toEqual([])
})
