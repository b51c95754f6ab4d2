import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { Field } from './Field.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

/** How long a payment waits for you before it is declined (the card counts it down); payments already waiting keep theirs. */
export function ApprovalWaitSetting(props: { changes: number }) {
  const settings = useLoaded(Api.settings, [props.changes])
  const change = useChange()
  const wait = settings.value?.approvalTimeout
  if (settings.problem) return <p role="alert" className="problem">{settings.problem}</p>
  if (!wait) return null
  return (
    <div className="wait-setting">
      <Field label="Decline a payment nobody answers after">
        {(id) => (
          <select id={id} value={wait.ms} disabled={change.busy} onChange={(event) => void change.run(() => Api.setApprovalTimeout(Number(event.target.value)), settings.reload)}>
            {wait.choices.map((choice) => (
              <option key={choice.ms} value={choice.ms}>
                {choice.text}
              </option>
            ))}
          </select>
        )}
      </Field>
      <ChangeNotice change={change} />
    </div>
  )
}
