// Which notification when: payments a rule or lease made (not those a human clicked for), and a
// budget reaching 80 % and 100 %, once each per period.
import { afterEach, beforeEach, expect, test, vi } from 'vitest'
import * as Notifier from '../../../main/app/Notifier.js'
import * as Notices from '../../../main/companion/Notices.js'
import * as Outcome from '../../../main/approvals/Outcome.js'
import type { PaymentEvent } from '../../../main/companion/Companion.js'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Rules from '../../../main/ledger/Rules.js'
import { decide, openCompanion, settle, upstream, waiting } from './companion.js'
import * as electron from './electron.js'
import * as challenges from '../payments/challenges.js'

vi.mock('electron', () => import('./electron.js'))

const monday = new Date(2026, 2, 2, 9, 0, 0)
beforeEach(() => {
  electron.reset()
  vi.useFakeTimers({ now: monday, toFake: ['Date', 'setTimeout', 'clearTimeout'] })
})
afterEach(() => vi.useRealTimers())

/** A companion whose payment events the test emits itself, as the real one does after deciding and settling. */
function notified() {
  const companion = openCompanion()
  const listeners = new Set<(event: PaymentEvent) => void>()
  const emit = (event: PaymentEvent) => listeners.forEach((listener) => listener(event))
  const onClick = vi.fn()
  Notifier.start({ db: companion.db, registry: companion.registry, onPayment: (listener) => (listeners.add(listener), () => listeners.delete(listener)) }, { onClick })
  /** A payment of `amount` micro-dollars that a rule or lease approves; `settled` also reports its receipt. */
  const paid = (amount: string, options: { settled?: boolean } = { settled: true }) => {
    const decision = decide(companion, { amount, now: new Date() })
    if (decision.kind !== 'approved') throw new Error(`expected a rule to approve it, got ${decision.kind}`)
    emit({ paymentId: decision.paymentId, stage: 'approved', decidedBy: decision.decidedBy })
    if (options.settled) {
      settle(companion, decision.paymentId)
      emit({ paymentId: decision.paymentId, stage: 'confirmed' })
    }
    return decision
  }
  const shown = () => {
    vi.advanceTimersByTime(Notices.gatherMs)
    return electron.Notification.shown.splice(0)
  }
  return { companion, emit, paid, shown, onClick }
}

test('a payment a rule made is notified once it settles, with what it cost and bought', () => {
  const t = notified()
  Rules.add(t.companion.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 100_000n, now: 0 })
  t.paid('50000', { settled: false })
  expect(t.shown()).toEqual([]) // approved is not paid yet
  const { paymentId } = t.paid('50000')
  expect(t.shown()).toEqual([{ title: 'Paid 0.05 pathUSD by your rule', body: 'search on tools.example.com, for Cursor' }])
  expect(paymentId).toBe(2)
})

test('a payment a lease made says so', () => {
  const t = notified()
  Leases.add(t.companion.db, { scope: { upstream }, unit: 'usd', amount: 1_000_000n, expiresAt: Date.now() + 30 * 60_000, now: Date.now() })
  // A lease pays only recipients the user trusts: this one a rule names (the rule itself pays nothing).
  Rules.add(t.companion.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 0n, now: 0 })
  t.paid('20000')
  expect(t.shown()).toEqual([{ title: 'Paid 0.02 pathUSD under your lease', body: 'search on tools.example.com, for Cursor' }])
})

test('a payment the human approved is not notified: they clicked for it', async () => {
  const t = notified()
  const { paymentId, decision } = waiting(t.companion)
  t.companion.queue.approve(paymentId)
  await decision
  t.emit({ paymentId, stage: 'approved', decidedBy: 'human' })
  settle(t.companion, paymentId)
  t.emit({ paymentId, stage: 'confirmed' })
  expect(t.shown()).toEqual([])
})

test('payments settling together make one notice, not one each', () => {
  const t = notified()
  Rules.add(t.companion.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 100_000n, now: 0 })
  for (let call = 0; call < 12; call++) t.paid('10000')
  expect(t.shown()).toEqual([{ title: 'Paid 12 times by your rules and leases', body: '$0.12 in all, on tools.example.com' }])
})

test('a budget is told at 80 % once, at 100 % once, and again in its next period', () => {
  const t = notified()
  Rules.add(t.companion.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 1_000_000n, now: 0 })
  Budgets.add(t.companion.db, { period: 'day', scope: {}, unit: 'usd', amount: 1_000_000n, now: 0 })
  const budgetNotices = () => t.shown().filter((notice) => !notice.title.startsWith('Paid'))

  t.paid('500000')
  expect(budgetNotices()).toEqual([]) // 50 %
  t.paid('300000')
  expect(budgetNotices()).toEqual([{ title: "80% of today's budget is used", body: '$0.80 of $1.00 for everything; $0.20 left.' }])
  t.paid('100000')
  expect(budgetNotices()).toEqual([]) // 90 %: already told
  t.paid('100000')
  expect(budgetNotices()).toEqual([{ title: "Today's budget is spent", body: '$1.00 of $1.00 for everything. Payments it covers are declined until it refills.' }])
  expect(decide(t.companion, { amount: '10000', now: new Date() })).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })
  expect(budgetNotices()).toEqual([])

  vi.setSystemTime(new Date(2026, 2, 3, 9, 0, 0)) // Tuesday: a new day, a fresh budget
  t.paid('400000')
  expect(budgetNotices()).toEqual([])
  t.paid('400000')
  expect(budgetNotices()).toEqual([{ title: "80% of today's budget is used", body: '$0.80 of $1.00 for everything; $0.20 left.' }])
})

test('a budget given back by a failed payment does not speak again when it is reached again', () => {
  const t = notified()
  Rules.add(t.companion.db, { kind: 'auto_approve', scope: { upstream }, recipient: challenges.recipient, unit: 'usd', amount: 1_000_000n, now: 0 })
  Budgets.add(t.companion.db, { period: 'week', scope: { upstream }, unit: 'usd', amount: 1_000_000n, label: 'search', now: 0 })
  const { paymentId } = t.paid('850000', { settled: false })
  expect(t.shown()).toEqual([{ title: '80% of this week\'s budget "search" is used', body: '$0.85 of $1.00 for tools.example.com; $0.15 left.' }])
  Outcome.fail(t.companion.db, paymentId, { error: 'the server refused the credential', now: Date.now() })
  t.emit({ paymentId, stage: 'failed' })
  t.paid('850000')
  expect(t.shown()).toEqual([{ title: 'Paid 0.85 pathUSD by your rule', body: 'search on tools.example.com, for Cursor' }])
})

test('what the companion warns of itself (money running out, a failing card) is shown as it is told, once per notice', () => {
  const companion = openCompanion()
  const listeners = new Set<(notice: { title: string; body: string }) => void>()
  Notifier.start(
    { db: companion.db, registry: companion.registry, onPayment: () => () => {}, onNotice: (listener) => (listeners.add(listener), () => listeners.delete(listener)) },
    { onClick: vi.fn() },
  )
  listeners.forEach((listener) => listener({ title: 'Your USDC on Base is running low', body: 'The wallet holds 1.2 USDC, below your warning level of 2 USDC.' }))
  expect(electron.Notification.shown.splice(0)).toEqual([{ title: 'Your USDC on Base is running low', body: 'The wallet holds 1.2 USDC, below your warning level of 2 USDC.' }])
})
