import { useEffect, useState } from 'react'

/** Time left before an unanswered approval declines itself. */
export function Countdown(props: { until: number }) {
  const [now, setNow] = useState(Date.now)
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now()), 250)
    return () => clearInterval(timer)
  }, [])
  const seconds = Math.max(0, Math.ceil((props.until - now) / 1000))
  const text = `${Math.floor(seconds / 60)}:${String(seconds % 60).padStart(2, '0')}`
  return (
    <span role="timer" aria-label={`Declines automatically in ${text}`} className={seconds <= 10 ? 'countdown urgent' : 'countdown'}>
      Declines in {text}
    </span>
  )
}
