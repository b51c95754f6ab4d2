import { useNow } from './useNow.js'

/** Time left before an unanswered approval declines itself. */
export function Countdown(props: { until: number }) {
  const now = useNow(250)
  const seconds = Math.max(0, Math.ceil((props.until - now) / 1000))
  const text = clock(seconds)
  return (
    <span role="timer" aria-label={`Declines automatically in ${text}`} className={seconds <= 10 ? 'countdown urgent' : 'countdown'}>
      Declines in {text}
    </span>
  )
}

/** "0:45", "29:59", "1:05:00". */
export function clock(seconds: number): string {
  const two = (value: number) => String(value).padStart(2, '0')
  const hours = Math.floor(seconds / 3600)
  const minutes = Math.floor(seconds / 60) % 60
  return hours > 0 ? `${hours}:${two(minutes)}:${two(seconds % 60)}` : `${minutes}:${two(seconds % 60)}`
}
