import { CirclePause, History, Inbox, Server, SlidersHorizontal, Wallet, type LucideIcon } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import * as Api from './Api.js'
import { ApprovalsView } from './ApprovalsView.js'
import { arrowFocus } from './ArrowFocus.js'
import { parseHistoryLink } from './HistoryLink.js'
import { HistoryView } from './HistoryView.js'
import { useNotifications } from './Notifications.js'
import { RulesAndBudgetsView } from './RulesAndBudgetsView.js'
import { ServersView } from './ServersView.js'
import { useApprovals } from './useApprovals.js'
import { useLoaded } from './useLoaded.js'
import { useWaitingTitle } from './useWaitingTitle.js'
import { WalletView } from './WalletView.js'

const views = [
  { name: 'Approvals', icon: Inbox },
  { name: 'History', icon: History },
  { name: 'Rules & budgets', icon: SlidersHorizontal },
  { name: 'Wallet', icon: Wallet },
  { name: 'Servers', icon: Server },
] as const satisfies readonly { name: string; icon: LucideIcon }[]
type View = (typeof views)[number]['name']

/**
 * The main window: a header with the screens' tabs (arrow keys move between them), what waits and
 * whether payments are paused, and the screen in view.
 */
export function App() {
  const live = useApprovals()
  const status = useLoaded(Api.status, [live.changes])
  const paused = status.value?.paused
  const [view, setView] = useState<View>('Approvals')
  // The payment whose details History opens, when a link asked for it.
  const [opened, setOpened] = useState<number>()
  const waiting = live.approvals.length + live.signIns.length
  useWaitingTitle(live.approvals, paused)
  useNotifications(live.approvals)

  // A payment arriving while nothing waited brings the approvals forward, wherever the user was.
  const waited = useRef(0)
  useEffect(() => {
    if (waited.current === 0 && waiting > 0) setView('Approvals')
    waited.current = waiting
  }, [waiting])

  // Links into History (HistoryLink.ts) are followed here, then cleared so they work again.
  useEffect(() => {
    const follow = () => {
      const link = parseHistoryLink(location.hash)
      if (!link) return
      history.replaceState(null, '', location.pathname + location.search)
      setOpened(link.paymentId)
      setView('History')
    }
    follow()
    window.addEventListener('hashchange', follow)
    return () => window.removeEventListener('hashchange', follow)
  }, [])
  const show = (name: View) => {
    setOpened(undefined)
    setView(name)
  }

  return (
    <div className="app">
      <header className="top">
        <h1>Allowance</h1>
        <div className="state">
          {paused && (
            <button type="button" className="paused-badge" onClick={() => show('Approvals')}>
              <CirclePause aria-hidden="true" size={14} /> Paused
            </button>
          )}
          <span className={live.connected ? 'status on' : 'status off'} role="status">
            {live.connected ? 'Connected' : 'Reconnecting…'}
          </span>
        </div>
        <nav aria-label="Views" onKeyDown={arrowFocus('horizontal')}>
          {views.map(({ name, icon: Icon }) => (
            <button key={name} type="button" aria-current={view === name ? 'page' : undefined} onClick={() => show(name)}>
              <Icon aria-hidden="true" size={16} />
              <span className="label">{name}</span>
              {name === 'Approvals' && waiting > 0 && <span className="count" aria-label={`${waiting} waiting`}>{waiting}</span>}
            </button>
          ))}
        </nav>
      </header>
      <main>
        {view === 'Approvals' && <ApprovalsView live={live} paused={paused} onOpen={show} />}
        {view === 'History' && <HistoryView changes={live.changes} opened={opened} />}
        {view === 'Rules & budgets' && <RulesAndBudgetsView changes={live.changes} />}
        {view === 'Wallet' && <WalletView changes={live.changes} />}
        {view === 'Servers' && <ServersView changes={live.changes} />}
      </main>
    </div>
  )
}
