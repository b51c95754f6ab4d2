import { expect, test } from 'vitest'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Leases from '../../../main/ledger/Leases.js'
import * as Payments from '../../../main/ledger/Payments.js'
import { recover } from '../../../main/ledger/Recovery.js'
import { ledger } from './temp.js'

const context = { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call' as const, target: 'search' }
const details = (amount: bigint): Payments.Details => ({
  kind: 'payment',
  realm: 'tools.example.com',
  challengeId: `c${amount}`,
  method: 'tempo',
  protocol: 'mpp',
  intent: 'charge',
  scheme: null,
  amountAtomic: amount,
  currency: '42431:0x20c0000000000000000000000000000000000000',
  decimals: 6,
  symbol: 'pathUSD',
  recipient: '0x70997970C51812dc3A010C7d01b50e0d17dc79C8',
  chainId: 42431,
  budgetUnit: 'usd',
  budgetAmount: amount,
  flags: [],
  description: null,
})

test('resolves every in-flight row after a crash, releasing only what cannot have been paid, and loses no row', () => {
  const db = ledger()
  const now = Date.now()
  const lease = Leases.add(db, { scope: { upstream: context.upstream }, unit: 'usd', amount: 1_000_000n, expiresAt: now + 60_000, now })
  Leases.consume(db, { context, unit: 'usd', amount: 1_000n, now })
  const budget = Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 10_000n, now })
  const insert = (state: 'requested' | 'approved' | 'declined', amount: bigint, leaseId?: number) => {
    // As the engine does: reserve in the budgets, then record the reserving row.
    if (state === 'approved') Budgets.reserve(db, { context, unit: 'usd', amount, now: new Date(now) })
    return Payments.insert(db, {
      now,
      state,
      context,
      argumentsHash: 'h',
      details: details(amount),
      ...(state === 'requested' ? {} : { decision: state, decidedBy: leaseId ? `lease:${leaseId}` : 'rule:1', leaseId }),
    })
  }
  const requested = insert('requested', 1n)
  const approved = insert('approved', 1_000n, lease.id)
  const signed = insert('approved', 20n)
  Payments.transition(db, signed, { from: ['approved'], to: 'signed', now })
  const accepted = insert('approved', 300n)
  Payments.transition(db, accepted, { from: ['approved'], to: 'accepted', now })
  const unconfirmed = insert('approved', 4_000n)
  Payments.transition(db, unconfirmed, { from: ['approved'], to: 'unconfirmed', now })
  const declined = insert('declined', 50_000n)
  expect(Budgets.usage(db, budget, new Date(now)).used).toBe(5_320n)
  const reservedBefore = Payments.reserved(db, { unit: 'usd', start: 0, end: now + 1, scope: { upstream: null, operation: null, target: null, host: null } })
  expect(reservedBefore).toBe(1_000n + 20n + 300n + 4_000n)

  const result = recover(db, now + 1)

  expect(result).toEqual({ declined: [requested, approved], sent: [signed] })
  const state = (id: number) => Payments.get(db, id)!
  expect(state(requested)).toMatchObject({ state: 'declined', decision: 'declined', declineReason: 'companion_restarted' })
  expect(state(approved)).toMatchObject({ state: 'declined', declineReason: 'companion_restarted' })
  // Signed: the credential may have been used; the settlement checks will ask the chain.
  expect(state(signed)).toMatchObject({ state: 'sent', error: expect.stringMatching(/restarted/) })
  expect(state(accepted).state).toBe('accepted')
  expect(state(unconfirmed).state).toBe('unconfirmed')
  expect(state(declined).state).toBe('declined')
  expect(Payments.list(db)).toHaveLength(6)
  // The approved-but-unsigned payment's reservation and lease share are released; the signed one's is kept.
  expect(Payments.reserved(db, { unit: 'usd', start: 0, end: now + 2, scope: { upstream: null, operation: null, target: null, host: null } })).toBe(20n + 300n + 4_000n)
  expect(Leases.get(db, lease.id)!.spent).toBe(0n)
  expect(Budgets.usage(db, budget, new Date(now)).used).toBe(4_320n)
  // Running it again changes nothing.
  expect(recover(db, now + 2)).toEqual({ declined: [], sent: [] })
})
