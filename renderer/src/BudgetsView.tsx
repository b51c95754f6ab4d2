import { useEffect, useState } from 'react'
import * as Api from './Api.js'

/** The budgets and what each has left in its current period. */
export function BudgetsView(props: { changes: number }) {
  const [budgets, setBudgets] = useState<Api.Budget[]>()
  const [problem, setProblem] = useState<string>()
  useEffect(() => {
    Api.budgets().then(setBudgets, (error: Error) => setProblem(error.message))
  }, [props.changes])

  if (problem) return <p role="alert" className="problem">{problem}</p>
  if (!budgets) return <p className="empty">Loading…</p>
  if (budgets.length === 0) return <p className="empty">No budgets. Set one with <code>allowance budget set 5 --period day</code>.</p>
  return (
    <table className="budgets" aria-label="Budgets">
      <thead>
        <tr>
          <th scope="col">Budget</th>
          <th scope="col">Applies to</th>
          <th scope="col">Used</th>
          <th scope="col">Left</th>
          <th scope="col">Refills</th>
        </tr>
      </thead>
      <tbody>
        {budgets.map((budget) => (
          <tr key={budget.id}>
            <td>
              {budget.amount} per {budget.period}
              {budget.label && <div className="muted">{budget.label}</div>}
            </td>
            <td>{budget.scope}</td>
            <td className="money">{budget.used}</td>
            <td className="money">{budget.remaining}</td>
            <td>{new Date(budget.periodEnd).toLocaleString()}</td>
          </tr>
        ))}
      </tbody>
    </table>
  )
}
