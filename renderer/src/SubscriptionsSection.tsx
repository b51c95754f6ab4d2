import * as Api from './Api.js'
import { historyLink } from './HistoryLink.js'
import { ListPanel } from './ListPanel.js'
import { EndAction } from './RowActions.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

const stateWords = { active: 'Active', activating: 'Not active yet', cancelled: 'Cancelled', ended: 'Ended' } as const

/**
 * The subscriptions you approved: the amount and period, the next charge, the charges so far (each
 * a row in History), and Cancel, which stops the server charging where the payment method allows
 * (tempo: the wallet revokes the server's access key on chain).
 */
export function SubscriptionsSection(props: { changes: number }) {
  const change = useChange()
  const subscriptions = useLoaded(Api.subscriptions, [props.changes])
  return (
    <ListPanel
      title="Subscriptions"
      items={subscriptions}
      empty="No subscriptions. A server that sells one asks you on a card first."
      columns={
        <>
          <th scope="col">Server</th>
          <th scope="col" className="money">Amount</th>
          <th scope="col">State</th>
          <th scope="col">Next charge</th>
          <th scope="col">Charges so far</th>
        </>
      }
      row={(subscription) => (
        <>
          <td title={subscription.upstream}>{subscription.server}</td>
          <td className="money">
            {subscription.amount} {subscription.period}
          </td>
          <td title={subscription.cancelOutcome ?? undefined}>{stateWords[subscription.state]}</td>
          <td>{subscription.nextChargeAt === null ? '—' : new Date(subscription.nextChargeAt).toLocaleString()}</td>
          <td>
            <a href={historyLink(subscription.firstPaymentId)}>{subscription.charges}</a>
          </td>
          <td>
            {(subscription.state === 'active' || subscription.state === 'activating') && (
              <EndAction
                text="Cancel"
                label={`Cancel the subscription to ${subscription.server}`}
                change={change}
                end={() => Api.cancelSubscription(subscription.id)}
                onEnded={subscriptions.reload}
              />
            )}
          </td>
        </>
      )}
      change={change}
    />
  )
}
