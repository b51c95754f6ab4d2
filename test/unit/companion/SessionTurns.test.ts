import { expect, test } from 'vitest'
import * as SessionTurns from '../../../main/companion/SessionTurns.js'

const server = 'https://tools.example.com/mcp'
const tick = () => new Promise((resolve) => setTimeout(resolve, 5))

test("a server's session calls are decided one at a time, each after the server answered the last", async () => {
  const turns = SessionTurns.create()
  const order: string[] = []
  const approved = (paymentId: number) => async () => (order.push(`decide ${paymentId}`), { kind: 'approved', paymentId })
  const first = turns.take(server, approved(1))
  const second = turns.take(server, approved(2))
  expect(await first).toEqual({ kind: 'approved', paymentId: 1 })
  await tick()
  expect(order).toEqual(['decide 1']) // payment 1 is out with the server
  turns.reported(1)
  expect(await second).toEqual({ kind: 'approved', paymentId: 2 })
  expect(order).toEqual(['decide 1', 'decide 2'])
})

test('a declined call or one that throws passes the turn on at once; another server never waits', async () => {
  const turns = SessionTurns.create()
  // Payment 9 is out with another server, unreported: it holds that server's turn, not this one's.
  await turns.take('https://other.example.com/mcp', async () => ({ kind: 'approved', paymentId: 9 }))
  expect(await turns.take(server, async () => ({ kind: 'declined' }))).toEqual({ kind: 'declined' })
  await expect(turns.take(server, async () => Promise.reject(new Error('signing failed')))).rejects.toThrow('signing failed')
  expect(await turns.take(server, async () => ({ kind: 'approved', paymentId: 3 }))).toEqual({ kind: 'approved', paymentId: 3 })
  turns.close()
})

test('a bridge that never reports holds the turn only until the hold runs out', async () => {
  const turns = SessionTurns.create({ holdMs: 30 })
  await turns.take(server, async () => ({ kind: 'approved', paymentId: 1 }))
  const started = Date.now()
  await turns.take(server, async () => ({ kind: 'approved', paymentId: 2 }))
  expect(Date.now() - started).toBeGreaterThanOrEqual(25)
  turns.close()
})
