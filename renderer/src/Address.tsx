import { useState } from 'react'

/** A long hex string (address, transaction hash) shortened to its ends, with the whole in a tooltip and a copy button. */
export function Address(props: { value: string; label: string }) {
  const { value, label } = props
  const [copied, setCopied] = useState(false)
  const short = value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value
  const copy = () =>
    navigator.clipboard.writeText(value).then(
      () => {
        setCopied(true)
        setTimeout(() => setCopied(false), 1500)
      },
      () => {},
    )
  return (
    <span className="address">
      <code title={value}>{short}</code>
      <button type="button" className="link" onClick={copy} aria-label={`Copy ${label}`}>
        {copied ? 'Copied' : 'Copy'}
      </button>
    </span>
  )
}
