import { useState } from 'react'

/** Copies `value` to the clipboard; says "Copied" for a moment. `label` names what is copied, for screen readers. */
export function CopyButton(props: { value: string; label: string }) {
  const [copied, setCopied] = useState(false)
  const copy = () =>
    navigator.clipboard.writeText(props.value).then(
      () => {
        setCopied(true)
        setTimeout(() => setCopied(false), 1500)
      },
      () => {},
    )
  return (
    <button type="button" className="link" onClick={copy} aria-label={`Copy ${props.label}`}>
      {copied ? 'Copied' : 'Copy'}
    </button>
  )
}
