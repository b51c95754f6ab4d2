import { useId } from 'react'
import * as Api from './Api.js'
import { ChangeNotice } from './ChangeNotice.js'
import { historyLink } from './HistoryLink.js'
import { useChange } from './useChange.js'
import { useLoaded } from './useLoaded.js'

const stateWords = { active: 'Active', activating: 'Not active yet', cancelled: 'Cancelled', ended: 'Ended' } as const

/**
 * The subscriptions you approved: the amount and period, the next charge, the charges so far (each
 * a row in History), and Cancel, which stops the server charging where the payment method allows
 * (tempo: the wallet revokes the server's access key on chain).
 */
export function SubscriptionsSection(props: { changes: number }) {
  const heading = useId()
  const change = useChange()
  const subscriptions = useLoaded(Api.subscriptions, [props.changes])

  return (
    <section className="panel" aria-labelledby={heading}>
      <h2 id={heading}>Subscriptions</h2>
      {subscriptions.problem && <p role="alert" className="problem">{subscriptions.problem}</p>}
      {subscriptions.value?.length === 0 && <p className="empty">No subscriptions. A server that sells one asks you on a card first.</p>}
      {subscriptions.value && subscriptions.value.length > 0 && (
        <table aria-label="Subscriptions">
          <thead>
            <tr>
              <th scope="col">Server</th>
              <th scope="col" className="money">Amount</th>
              <th scope="col">State</th>
              <th scope="col">Next charge</th>
              <th scope="col">Charges so far</th>
              <th scope="col"><span className="visually-hidden">Actions</span></th>
            </tr>
          </thead>
          <tbody>
            {subscriptions.value.map((subscription) => (
              <tr key={subscription.id}>
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
                    <button
                      type="button"
                      className="link danger"
                      onClick={() => void change.run(() => Api.cancelSubscription(subscription.id), subscriptions.reload)}
                      aria-label={`Cancel the subscription to ${subscription.server}`}
                    >
                      Cancel
                    </button>
                  )}
                </td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      <ChangeNotice change={change} />
    </section>
  )
}
