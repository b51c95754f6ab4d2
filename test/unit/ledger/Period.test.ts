import { expect, test } from 'vitest'
import * as Period from '../../../main/ledger/Period.js'

test('periods are local calendar days, ISO weeks from Monday, and calendar months', () => {
  const wednesday = new Date(2026, 2, 4, 15, 30) // Wed 4 March 2026, local time
  expect(Period.bounds('day', wednesday)).toEqual({ start: new Date(2026, 2, 4).getTime(), end: new Date(2026, 2, 5).getTime() })
  expect(Period.bounds('week', wednesday)).toEqual({ start: new Date(2026, 2, 2).getTime(), end: new Date(2026, 2, 9).getTime() })
  expect(Period.bounds('month', wednesday)).toEqual({ start: new Date(2026, 2, 1).getTime(), end: new Date(2026, 3, 1).getTime() })
  const sunday = new Date(2026, 2, 8, 23, 59)
  expect(Period.bounds('week', sunday).start).toBe(new Date(2026, 2, 2).getTime())
  const december = new Date(2026, 11, 31, 12)
  expect(Period.bounds('month', december).end).toBe(new Date(2027, 0, 1).getTime())
})
