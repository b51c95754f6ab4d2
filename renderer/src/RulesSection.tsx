import { useId, useState } from 'react'
import * as Api from './Api.js'
import { AddForm } from './AddForm.js'
import { AmountFields } from './AmountFields.js'
import { ChangeNotice } from './ChangeNotice.js'
import { EditForm } from './EditForm.js'
import { Field } from './Field.js'
import { RowActions } from './RowActions.js'
import { ScopeFields } from './ScopeFields.js'
import { UndoRemove } from './UndoRemove.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

const kindNames: Record<Api.Rule['kind'], string> = { 'auto-approve': 'Auto-approve', limit: 'Limit' }

const blank = { kind: 'auto-approve' as Api.Rule['kind'], amount: '', unit: 'usd', scope: {} as Api.Scope, recipient: '', label: '' }

/** The per-call rules: listed, edited (amount, scope, label), removed (with Undo for a few seconds) and added, as `allowance rules` does. */
export function RulesSection(props: { changes: number; units: Api.Unit[] | undefined; choices: Api.Choices | undefined }) {
  const heading = useId()
  const change = useChange()
  const rules = useLoaded(Api.rules, [props.changes])
  const [draft, setDraft] = useState(blank)
  const [editing, setEditing] = useState<Api.Rule>()
  /** The rule just removed, while its removal can be undone. */
  const [removed, setRemoved] = useState<number>()
  const add = () => change.run(() => Api.addRule({ ...draft, recipient: draft.recipient.trim() || undefined, label: draft.label || undefined }), () => {
    setDraft(blank)
    rules.reload()
  })

  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Rules</h2>
      <p className="muted">
        Auto-approve pays without asking up to an amount per call; the narrowest rule decides. A limit declines anything above its amount, even when you
        approve it (0 blocks).
      </p>
      {rules.problem && <p role="alert" className="problem">{rules.problem}</p>}
      {rules.value?.length === 0 && <p className="empty">No rules: every payment asks you.</p>}
      {rules.value && rules.value.length > 0 && (
        <table aria-label="Rules">
          <thead>
            <tr>
              <th scope="col">Rule</th>
              <th scope="col" className="money">Per call</th>
              <th scope="col">Applies to</th>
              <th scope="col">Recipient</th>
              <th scope="col">Label</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {rules.value.map((rule) => (
              <tr key={rule.id}>
                <td>{kindNames[rule.kind]}</td>
                <td className="money">{rule.amount}</td>
                <td title={rule.upstream ?? undefined}>{rule.scope}</td>
                <td>{rule.recipient ? <code>{rule.recipient}</code> : 'asks for a new one'}</td>
                <td>{rule.label}</td>
                <RowActions
                  what="rule"
                  id={rule.id}
                  editing={editing?.id === rule.id}
                  change={change}
                  onEdit={() => setEditing(editing?.id === rule.id ? undefined : rule)}
                  remove={() => Api.removeRule(rule.id)}
                  onRemoved={() => {
                    setEditing(undefined)
                    setRemoved(rule.id)
                    rules.reload()
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
          what="rule"
          id={editing.id}
          unit={props.units?.find((unit) => unit.name === editing.unit)?.label ?? editing.unit}
          initial={{ amount: editing.amountText, scope: editing.fields, label: editing.label ?? '' }}
          choices={props.choices}
          change={change}
          save={(edit) => Api.changeRule(editing.id, edit)}
          onClose={() => {
            setEditing(undefined)
            rules.reload()
          }}
        />
      )}
      <AddForm name="Add a rule" submit="Add rule" busy={change.busy} label={draft.label} onLabel={(label) => setDraft({ ...draft, label })} onSubmit={() => void add()}>
        <Field label="Kind">
          {(id) => (
            <select id={id} value={draft.kind} onChange={(event) => setDraft({ ...draft, kind: event.target.value as Api.Rule['kind'] })}>
              <option value="auto-approve">Auto-approve up to</option>
              <option value="limit">Limit: decline above</option>
            </select>
          )}
        </Field>
        <AmountFields label="Amount per call" amount={draft.amount} unit={draft.unit} units={props.units} onChange={(amount) => setDraft({ ...draft, ...amount })} />
        <ScopeFields scope={draft.scope} choices={props.choices} disabled={change.busy} onChange={(scope) => setDraft({ ...draft, scope })} />
        {draft.kind === 'auto-approve' && (
          <Field label="Trusted recipient (optional)">
            {(id) => <input id={id} value={draft.recipient} placeholder="0x… — else a new recipient asks you first" onChange={(event) => setDraft({ ...draft, recipient: event.target.value })} disabled={change.busy} />}
          </Field>
        )}
      </AddForm>
      <ChangeNotice change={change} />
      {removed !== undefined && (
        <UndoRemove
          key={removed}
          what="rule"
          id={removed}
          change={change}
          restore={() => Api.restoreRule(removed)}
          onDone={() => {
            setRemoved(undefined)
            rules.reload()
          }}
        />
      )}
    </section>
  )
}
