import { useId, type ReactNode } from 'react'

/**
 * A form control with its label above it. The label points at the control (`for`) rather than
 * wrapping it, so the control's name is the label alone, not the label plus its current value.
 */
export function Field(props: { label: string; children(id: string): ReactNode }) {
  const id = useId()
  return (
    <div className="field">
      <label htmlFor={id}>{props.label}</label>
      {props.children(id)}
    </div>
  )
}
