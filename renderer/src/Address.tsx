import { CopyButton } from './CopyButton.js'

/** A long hex string (address, transaction hash) shortened to its ends, with the whole in a tooltip and a copy button. */
export function Address(props: { value: string; label: string }) {
  const { value, label } = props
  const short = value.length > 14 ? `${value.slice(0, 6)}…${value.slice(-4)}` : value
  return (
    <span className="address">
      <code title={value}>{short}</code>
      <CopyButton value={value} label={label} />
    </span>
  )
}
