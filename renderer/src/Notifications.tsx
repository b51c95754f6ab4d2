import { Bell, BellOff } from 'lucide-react'
import { useEffect, useRef, useState } from 'react'
import type * as Api from './Api.js'
import { kindOf } from './CallPreview.js'

/**
 * Browser notifications of waiting payments, for the headless page (the desktop app notifies
 * natively). Only with the user's permission, asked for by a button (browsers refuse to ask
 * without a click), and only while the page is out of sight: in front of the user, the card is
 * the notice. A notification closes when its payment is answered; clicking it brings the page up.
 */
const supported = typeof Notification !== 'undefined' && !window.allowance

export function useNotifications(approvals: Api.Approval[]): void {
  const shown = useRef(new Map<number, Notification>())
  useEffect(() => {
    const waiting = new Set(approvals.map((approval) => approval.paymentId))
    for (const [paymentId, notification] of shown.current) {
      if (waiting.has(paymentId)) continue
      notification.close()
      shown.current.delete(paymentId)
    }
    if (!supported || Notification.permission !== 'granted' || (document.visibilityState === 'visible' && document.hasFocus())) return
    for (const approval of approvals) {
      if (shown.current.has(approval.paymentId)) continue
      const notification = new Notification(`${approval.host} asks to pay ${approval.options[0]!.amount}`, {
        body: `${kindOf(approval)} ${approval.target} on ${approval.server}`,
        tag: `allowance-payment-${approval.paymentId}`,
        requireInteraction: true,
      })
      notification.onclick = () => window.focus()
      shown.current.set(approval.paymentId, notification)
    }
  }, [approvals])
}

/** A warning the companion raised (money running out, a failing card), as a browser notification where permitted; the Wallet screen shows it too. */
export function notify(notice: Api.Notice): void {
  if (!supported || Notification.permission !== 'granted') return
  new Notification(notice.title, { body: notice.body, tag: `allowance-notice-${notice.title}` }).onclick = () => window.focus()
}

/** Asks the browser's permission to notify; says so when it was refused. */
export function NotifyPermission() {
  const [permission, setPermission] = useState(() => (supported ? Notification.permission : undefined))
  if (permission === undefined) return null
  if (permission === 'granted')
    return (
      <p className="muted notify">
        <Bell aria-hidden="true" size={14} /> This browser notifies you of payments while this page is out of sight.
      </p>
    )
  if (permission === 'denied')
    return (
      <p className="muted notify">
        <BellOff aria-hidden="true" size={14} /> Notifications are blocked for this page in the browser’s site settings.
      </p>
    )
  return (
    <button type="button" className="notify" onClick={() => void Notification.requestPermission().then(setPermission)}>
      <Bell aria-hidden="true" size={14} /> Notify me when a payment waits
    </button>
  )
}
