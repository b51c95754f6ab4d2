import * as Api from './Api.js'
import { BudgetsSection } from './BudgetsSection.js'
import { LeasesSection } from './LeasesSection.js'
import { PauseControl } from './PauseControl.js'
import { RulesSection } from './RulesSection.js'
import { SharesSection } from './SharesSection.js'
import { SubscriptionsSection } from './SubscriptionsSection.js'
import { useLoaded } from './useLoaded.js'

/** Everything that decides a payment before you are asked: the kill switch, rules, budgets and leases; the subscriptions you approved; the servers your address is shown to. */
export function RulesAndBudgetsView(props: { changes: number }) {
  const units = useLoaded(Api.units, [])
  const choices = useLoaded(Api.historyChoices, [props.changes])
  return (
    <div className="screen policy">
      <PauseControl changes={props.changes} />
      <BudgetsSection changes={props.changes} units={units.value} choices={choices.value} />
      <RulesSection changes={props.changes} units={units.value} choices={choices.value} />
      <SubscriptionsSection changes={props.changes} />
      <LeasesSection changes={props.changes} />
      <SharesSection changes={props.changes} />
    </div>
  )
}
