import { useNow } from './useNow.js'

const words = new Intl.RelativeTimeFormat(undefined, { numeric: 'auto', style: 'long' })
const steps = [
  { unit: 'second', ms: 1000, below: 60 },
  { unit: 'minute', ms: 60_000, below: 60 },
  { unit: 'hour', ms: 3_600_000, below: 24 },
  { unit: 'day', ms: 86_400_000, below: Infinity },
] as const

/** "now", "12 seconds ago", "3 minutes ago", kept current; the exact time in its tooltip. */
export function RelativeTime(props: { at: number }) {
  const now = useNow(5000)
  return (
    <time dateTime={new Date(props.at).toISOString()} title={new Date(props.at).toLocaleString()}>
      {relative(props.at, now)}
    </time>
  )
}

/** `at` said from `now`, in the largest unit under its next one (Intl words it). */
export function relative(at: number, now: number): string {
  const ago = at - now
  const step = steps.find(({ ms, below }) => Math.abs(ago) / ms < below)!
  return words.format(Math.round(ago / step.ms), step.unit)
}
