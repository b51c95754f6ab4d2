import { useEffect, useRef, useState } from 'react'
import { ApprovalQueue } from './ApprovalQueue.js'
import { HistoryView } from './HistoryView.js'
import { RulesAndBudgetsView } from './RulesAndBudgetsView.js'
import { ServersView } from './ServersView.js'
import { useApprovals } from './useApprovals.js'
import { WalletView } from './WalletView.js'

const views = ['Approvals', 'History', 'Rules & budgets', 'Wallet', 'Servers'] as const
type View = (typeof views)[number]

export function App() {
  const live = useApprovals()
  const [view, setView] = useState<View>('Approvals')
  const waiting = live.approvals.length
  // A payment arriving while nothing waited brings the approvals forward, wherever the user was.
  const waited = useRef(0)
  useEffect(() => {
    if (waited.current === 0 && waiting > 0) setView('Approvals')
    waited.current = waiting
  }, [waiting])
  return (
    <div className="app">
      <header className="top">
        <h1>Allowance</h1>
        <nav aria-label="Views">
          {views.map((name) => (
            <button key={name} type="button" aria-current={view === name ? 'page' : undefined} onClick={() => setView(name)}>
              {name}
              {name === 'Approvals' && waiting > 0 && <span className="count" aria-label={`${waiting} waiting`}>{waiting}</span>}
            </button>
          ))}
        </nav>
        <span className={live.connected ? 'status on' : 'status off'} role="status">
          {live.connected ? 'Connected' : 'Reconnecting…'}
        </span>
      </header>
      <main>
        {view === 'Approvals' && <ApprovalQueue approvals={live.approvals} forget={live.forget} />}
        {view === 'History' && <HistoryView changes={live.changes} />}
        {view === 'Rules & budgets' && <RulesAndBudgetsView changes={live.changes} />}
        {view === 'Wallet' && <WalletView changes={live.changes} />}
        {view === 'Servers' && <ServersView changes={live.changes} />}
      </main>
    </div>
  )
}
