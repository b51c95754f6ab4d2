import { useId, useState } from 'react'
import * as Api from './Api.js'
import { AddForm } from './AddForm.js'
import { AmountFields } from './AmountFields.js'
import { ChangeNotice } from './ChangeNotice.js'
import { EditForm } from './EditForm.js'
import { Field } from './Field.js'
import { RelativeTime } from './RelativeTime.js'
import { RowActions } from './RowActions.js'
import { ScopeFields } from './ScopeFields.js'
import { UndoRemove } from './UndoRemove.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

const blank = { amount: '', period: 'day' as Api.Budget['period'], unit: 'usd', scope: {} as Api.Scope, label: '' }

/**
 * Spending caps per day, week or month: what each has used in its period (with a bar), edits
 * (amount, scope, label), removal (with Undo for a few seconds), and a new budget (replacing the one with the same period, unit and scope), as
 * `allowance budget` does. The next payment is decided by what is saved here.
 */
export function BudgetsSection(props: { changes: number; units: Api.Unit[] | undefined; choices: Api.Choices | undefined }) {
  const heading = useId()
  const change = useChange()
  const budgets = useLoaded(Api.budgets, [props.changes])
  const [draft, setDraft] = useState(blank)
  const [editing, setEditing] = useState<Api.Budget>()
  /** The budget just removed, while its removal can be undone. */
  const [removed, setRemoved] = useState<number>()
  const set = () => change.run(() => Api.setBudget({ ...draft, label: draft.label || undefined }), () => {
    setDraft(blank)
    budgets.reload()
  })

  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Budgets</h2>
      {budgets.problem && <p role="alert" className="problem">{budgets.problem}</p>}
      {budgets.value?.length === 0 && <p className="empty">No budgets: nothing caps what rules and leases may spend.</p>}
      {budgets.value && budgets.value.length > 0 && (
        <table aria-label="Budgets">
          <thead>
            <tr>
              <th scope="col">Budget</th>
              <th scope="col">Applies to</th>
              <th scope="col" className="money">Used</th>
              <th scope="col" className="money">Left</th>
              <th scope="col">Refills</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {budgets.value.map((budget) => (
              <tr key={budget.id}>
                <td>
                  {budget.amount} per {budget.period}
                  {budget.label && <div className="muted">{budget.label}</div>}
                </td>
                <td title={budget.upstream ?? undefined}>{budget.scope}</td>
                <td className="money">
                  {budget.used}
                  <meter min={0} max={1} low={0.8} high={0.99} optimum={0} value={budget.share} aria-label={`Budget ${budget.id} used`}>
                    {Math.round(budget.share * 100)}%
                  </meter>
                </td>
                <td className="money">{budget.remaining}</td>
                <td>
                  <RelativeTime at={budget.periodEnd} />
                </td>
                <RowActions
                  what="budget"
                  id={budget.id}
                  editing={editing?.id === budget.id}
                  change={change}
                  onEdit={() => setEditing(editing?.id === budget.id ? undefined : budget)}
                  remove={() => Api.removeBudget(budget.id)}
                  onRemoved={() => {
                    setEditing(undefined)
                    setRemoved(budget.id)
                    budgets.reload()
                  }}
                />
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {editing && (
        <EditForm
          key={editing.id}
          what="budget"
          id={editing.id}
          unit={props.units?.find((unit) => unit.name === editing.unit)?.label ?? editing.unit}
          initial={{ amount: editing.amountText, scope: editing.fields, label: editing.label ?? '' }}
          choices={props.choices}
          change={change}
          save={(edit) => Api.changeBudget(editing.id, edit)}
          onClose={() => {
            setEditing(undefined)
            budgets.reload()
          }}
        />
      )}
      <AddForm name="Set a budget" submit="Set budget" busy={change.busy} label={draft.label} onLabel={(label) => setDraft({ ...draft, label })} onSubmit={() => void set()}>
        <AmountFields label="Budget amount" amount={draft.amount} unit={draft.unit} units={props.units} onChange={(amount) => setDraft({ ...draft, ...amount })} />
        <Field label="Per">
          {(id) => (
            <select id={id} value={draft.period} onChange={(event) => setDraft({ ...draft, period: event.target.value as Api.Budget['period'] })}>
              <option value="day">day</option>
              <option value="week">week</option>
              <option value="month">month</option>
            </select>
          )}
        </Field>
        <ScopeFields scope={draft.scope} choices={props.choices} disabled={change.busy} onChange={(scope) => setDraft({ ...draft, scope })} />
      </AddForm>
      <ChangeNotice change={change} />
      {removed !== undefined && (
        <UndoRemove
          key={removed}
          what="budget"
          id={removed}
          change={change}
          restore={() => Api.restoreBudget(removed)}
          onDone={() => {
            setRemoved(undefined)
            budgets.reload()
          }}
        />
      )}
    </section>
  )
}
