import { CircleCheck, Circle } from 'lucide-react'
import * as Api from './Api.js'
import { useLoaded } from './useLoaded.js'

export type Screen = 'Wallet' | 'Servers' | 'Rules & budgets'

/**
 * The Approvals screen with nothing waiting. Until Allowance can pay (a wallet or a card) and some
 * agent host reaches a paid server through it, it lists those steps, each with the screen that
 * does it; after that, it says where payments will show.
 */
export function EmptyQueue(props: { changes: number; onOpen(screen: Screen): void }) {
  const wallet = useLoaded(Api.wallet, [props.changes])
  const servers = useLoaded(Api.servers, [props.changes])
  const canPay = wallet.value ? Boolean(wallet.value.address || wallet.value.card) : undefined
  const reached = servers.value ? servers.value.servers.length > 0 : undefined
  const steps: { done: boolean | undefined; text: string; screen: Screen }[] = [
    { done: canPay, text: 'Create a wallet (or add a card) to pay with.', screen: 'Wallet' },
    { done: reached, text: 'Route an agent host’s paid MCP server through Allowance.', screen: 'Servers' },
  ]
  const firstRun = steps.some((step) => step.done === false)
  return (
    <section className="empty-queue" aria-label="Nothing waiting">
      <p className="empty">No payments are waiting for you.</p>
      {firstRun ? (
        <ol className="next-steps" aria-label="Next steps">
          {steps.map(({ done, text, screen }) => (
            <li key={screen} className={done ? 'done' : undefined}>
              {done ? <CircleCheck aria-label="Done" size={18} /> : <Circle aria-label="To do" size={18} />}
              <span>{text}</span>
              {!done && (
                <button type="button" onClick={() => props.onOpen(screen)}>
                  Open {screen}
                </button>
              )}
            </li>
          ))}
          <li>
            <Circle aria-label="Optional" size={18} />
            <span>Optionally, set a budget, or a rule that pays small amounts without asking.</span>
            <button type="button" onClick={() => props.onOpen('Rules & budgets')}>
              Open Rules & budgets
            </button>
          </li>
        </ol>
      ) : (
        <p className="muted">When an agent asks to pay for a tool, its card shows here and the page’s title counts what waits.</p>
      )}
    </section>
  )
}
