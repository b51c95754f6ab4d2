/**
 * Budget periods in the machine's local time: a calendar day from midnight, an ISO week from
 * Monday midnight, a calendar month from the 1st. Local time is what a user means by "today";
 * a daylight-saving change simply makes that day 23 or 25 hours long.
 */
export type Period = 'day' | 'week' | 'month'

export const periods: readonly Period[] = ['day', 'week', 'month']

/** The period containing `now`, as `[start, end)` in epoch milliseconds. */
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
