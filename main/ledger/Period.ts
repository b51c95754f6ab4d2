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
