/**
 * Budget periods in the machine's local time: a calendar day from midnight, an ISO week from
 * Monday midnight, a calendar month from the 1st. Local time is what a user means by "today";
 * a daylight-saving change simply makes that day 23 or 25 hours long.
 */
export type Period = 'day' | 'week' | 'month'

export const periods: readonly Period[] = ['day', 'week', 'month']

/**
 * The period containing `now`, as `[start, end)` in epoch milliseconds.
 *
 * @example
 * ```ts
 * import * as Period from './Period.js'
 *
 * const { start, end } = Period.bounds('week', new Date(2026, 2, 4, 15, 30)) // a Wednesday afternoon
 * new Date(start) // Monday 2 March 2026, 00:00 local time
 * new Date(end) // Monday 9 March 2026, 00:00 local time
 * ```
 */
export function bounds(period: Period, now: Date): { start: number; end: number } {
  const y = now.getFullYear()
  const m = now.getMonth()
  const d = now.getDate()
  if (period === 'day') return { start: new Date(y, m, d).getTime(), end: new Date(y, m, d + 1).getTime() }
  if (period === 'week') {
    const monday = d - ((now.getDay() + 6) % 7)
    return { start: new Date(y, m, monday).getTime(), end: new Date(y, m, monday + 7).getTime() }
  }
  return { start: new Date(y, m, 1).getTime(), end: new Date(y, m + 1, 1).getTime() }
}

/** "today's", "this week's", "this month's". */
export function possessive(period: Period): string {
  return period === 'day' ? "today's" : `this ${period}'s`
}

/**
 * A date the user typed as the start (`since`) or end (`until`) of a time range: `YYYY-MM-DD` is
 * local midnight, and for `until` the next midnight (the day is included); or an ISO 8601 time.
 * Returns epoch milliseconds; throws a sentence naming the text when it is neither.
 *
 * @example
 * ```ts
 * import * as Period from './Period.js'
 *
 * Period.readTime('2026-03-04', 'since') // 4 March 2026, 00:00 local time
 * Period.readTime('2026-03-04', 'until') // 5 March 2026, 00:00 local time: the 4th is included
 * Period.readTime('2026-03-04T12:00:00Z', 'until') // that instant
 * ```
 */
export function readTime(text: string, edge: 'since' | 'until'): number {
  const day = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text)
  if (day) {
    const [year, month, date] = day.slice(1).map(Number) as [number, number, number]
    const start = new Date(year, month - 1, date)
    if (start.getFullYear() !== year || start.getMonth() !== month - 1 || start.getDate() !== date) throw new Error(`${text} is not a date.`)
    return edge === 'until' ? new Date(year, month - 1, date + 1).getTime() : start.getTime()
  }
  const time = /^\d{4}-\d{2}-\d{2}T/.test(text) ? Date.parse(text) : NaN
  if (Number.isNaN(time)) throw new Error(`"${text}" is not a date like 2026-03-04 or a time like 2026-03-04T12:00:00Z.`)
  return time
}
