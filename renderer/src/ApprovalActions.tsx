import { useState } from 'react'
import * as Amount from '../../main/payments/Amount.js'
import type { Approval, ApproveOption, Option } from './Api.js'
import { kindOf } from './CallPreview.js'
import { byPointer } from './PointerClick.js'

const leaseMinutes = 30

/**
 * Decline, pay once, or pay and remember: a lease on this server for 30 minutes up to an amount,
 * or a standing rule for this tool up to an amount per call. Approving takes a pointer click (or
 * Ctrl/Cmd+Enter, handled by the card): a click that a bare Enter or Space produced on a focused
 * button is ignored, so keystrokes meant for another window can never pay.
 */
export function ApprovalActions(props: { approval: Approval; option: Option; busy: boolean; canPay?: boolean; onAnswer(answer: ApproveOption | 'decline'): void }) {
  const { approval, option, busy, onAnswer } = props
  // Declining stays possible when paying is not (a locked wallet).
  const payDisabled = busy || props.canPay === false
  const unit = option.budgetUnit
  const price = BigInt(option.budgetAmount)
  const show = (atomic: bigint) => Amount.format(atomic, unit.decimals, { minFraction: 2 })
  const [leaseLimit, setLeaseLimit] = useState(() => show(price * 10n))
  const [ruleLimit, setRuleLimit] = useState(() => show(price))
  const [problem, setProblem] = useState<string>()

  const pointer = (answer: () => ApproveOption | undefined) =>
    byPointer(() => {
      const chosen = answer()
      if (chosen) onAnswer(chosen)
    })
  const limit = (text: string): string | undefined => {
    try {
      const atomic = Amount.fromDecimal(text.trim().replace(/^\$/, ''), unit.decimals)
      if (atomic < price) throw new Error(`The limit must cover this payment (${show(price)}).`)
      setProblem(undefined)
      return atomic.toString()
    } catch (error) {
      setProblem(error instanceof Amount.InvalidAmountError ? `Type an amount like ${show(price)}.` : (error as Error).message)
      return undefined
    }
  }
  const unitName = unit.key === 'usd' ? 'USD' : unit.symbol
  const amountInput = (value: string, set: (value: string) => void, label: string) => (
    <span className="amount-input">
      {unit.symbol === '$' && <span aria-hidden="true">$</span>}
      <input aria-label={`${label} in ${unitName}`} inputMode="decimal" value={value} onChange={(event) => set(event.target.value)} disabled={busy} />
      {unit.symbol !== '$' && <span aria-hidden="true">{unit.symbol}</span>}
    </span>
  )

  return (
    <div className="actions">
      <div className="primary">
        <button type="button" className="decline" onClick={() => onAnswer('decline')} disabled={busy} aria-keyshortcuts="Escape">
          Decline <kbd>Esc</kbd>
        </button>
        <button type="button" className="approve" onClick={pointer(() => 'once')} disabled={payDisabled} aria-keyshortcuts="Control+Enter Meta+Enter">
          {approval.subscription ? 'Subscribe' : 'Pay once'} <kbd>Ctrl+Enter</kbd>
        </button>
      </div>
      {/* A second payment for one call is a one-off, and a subscription is approved on its own terms: neither creates a lease or a rule. */}
      {!approval.reasons.includes('paying_twice') && !approval.subscription && (
        <>
          <div className="remember">
            <span>
              Allow <strong>{approval.server}</strong> for {leaseMinutes} minutes up to {amountInput(leaseLimit, setLeaseLimit, 'Lease limit')}
            </span>
            <button
              type="button"
              onClick={pointer(() => {
                const value = limit(leaseLimit)
                return value === undefined ? undefined : { lease: { minutes: leaseMinutes, limit: value, scope: 'server' } }
              })}
              disabled={payDisabled}
            >
              Allow for {leaseMinutes} minutes
            </button>
          </div>
          <div className="remember">
            <span>
              Always allow {kindOf(approval)} <code>{approval.target}</code> up to {amountInput(ruleLimit, setRuleLimit, 'Per-call limit')} per call
            </span>
            <button
              type="button"
              onClick={pointer(() => {
                const value = limit(ruleLimit)
                return value === undefined ? undefined : { rule: { perCallLimit: value, scope: 'target' } }
              })}
              disabled={payDisabled}
            >
              Always allow
            </button>
          </div>
          {problem && (
            <p role="alert" className="problem">
              {problem}
            </p>
          )}
        </>
      )}
    </div>
  )
}
