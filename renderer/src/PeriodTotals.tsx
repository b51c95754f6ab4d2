import { useId, useState } from 'react'
import type * as Api from './Api.js'
import { Field } from './Field.js'

const groupings = { server: { label: 'Server', heading: 'By server' }, host: { label: 'Agent host', heading: 'By agent host' } } as const

/**
 * What the selection spent this week and last, this month and last, per server or per agent host
 * (the user picks), with the total: the companion sums the ledger's rows, fees included.
 */
export function PeriodTotals(props: { spend: Api.PeriodSpend }) {
  const { spend } = props
  const heading = useId()
  const [by, setBy] = useState<keyof typeof groupings>('server')
  const groups = by === 'server' ? spend.byServer : spend.byHost
  return (
    <section className="panel period-totals" aria-labelledby={heading}>
      <div className="panel-head">
        <h2 id={heading}>Spent per week and month</h2>
        <Field label="Group by">
          {(id) => (
            <select id={id} value={by} onChange={(event) => setBy(event.target.value as keyof typeof groupings)}>
              {Object.entries(groupings).map(([value, grouping]) => (
                <option key={value} value={value}>
                  {grouping.label}
                </option>
              ))}
            </select>
          )}
        </Field>
      </div>
      <table aria-label={`Spend ${groupings[by].heading.toLowerCase()}`}>
        <thead>
          <tr>
            <th scope="col">{groupings[by].label}</th>
            {spend.periods.map((period) => (
              <th scope="col" key={period.name} title={`${new Date(period.start).toLocaleDateString()} – ${new Date(period.end - 1).toLocaleDateString()}`}>
                {period.name}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {groups.map((group) => (
            <tr key={group.name}>
              <th scope="row" title={group.name}>
                {group.label}
              </th>
              {group.amounts.map((amount, index) => (
                <td className="money" key={spend.periods[index]!.name}>
                  {amount}
                </td>
              ))}
            </tr>
          ))}
        </tbody>
        <tfoot>
          <tr>
            <th scope="row">Total</th>
            {spend.total.map((amount, index) => (
              <td className="money" key={spend.periods[index]!.name}>
                {amount}
              </td>
            ))}
          </tr>
        </tfoot>
      </table>
    </section>
  )
}
