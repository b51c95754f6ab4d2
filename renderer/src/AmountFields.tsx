import type * as Api from './Api.js'
import { Field } from './Field.js'

/** An amount as the user types it ("0.50") and the unit it is in; the companion turns it into exact atomic units. */
export function AmountFields(props: { label: string; amount: string; unit: string; units: Api.Unit[] | undefined; onChange(change: { amount?: string; unit?: string }): void }) {
  const { label, amount, unit, units, onChange } = props
  return (
    <>
      <Field label={label}>
        {(id) => (
          <input id={id} inputMode="decimal" value={amount} placeholder="0.50" onChange={(event) => onChange({ amount: event.target.value })} />
        )}
      </Field>
      <Field label="Unit">
        {(id) => (
          <select id={id} value={unit} onChange={(event) => onChange({ unit: event.target.value })}>
            {(units ?? [{ name: 'usd', label: 'USD' }]).map((choice) => (
              <option key={choice.name} value={choice.name}>
                {choice.label}
              </option>
            ))}
          </select>
        )}
      </Field>
    </>
  )
}
