import { useEffect } from 'react'
import type * as Api from './Api.js'

/**
 * The page's title says what waits, so a payment is seen from the tab strip or the window list:
 * "(1) test-host asks to pay 0.25 USDC · Allowance", "(3) 3 payments waiting · Allowance",
 * "Paused · Allowance".
 */
export function useWaitingTitle(approvals: Api.Approval[], paused: boolean | undefined): void {
  const [first] = approvals
  const title =
    approvals.length > 1
      ? `(${approvals.length}) ${approvals.length} payments waiting · Allowance`
      : first
        ? `(1) ${first.host} asks to pay ${first.options[0]!.amount} · Allowance`
        : paused
          ? 'Paused · Allowance'
          : 'Allowance'
  useEffect(() => {
    document.title = title
  }, [title])
}
