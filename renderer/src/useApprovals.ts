import { useEffect, useRef, useState } from 'react'
import * as Api from './Api.js'
import { notify } from './Notifications.js'
import * as Transport from './Transport.js'

export type Live = {
  /** Payments waiting for the human, oldest first. */
  approvals: Api.Approval[]
  connected: boolean
  /** Goes up whenever an approval is answered, the ledger moves or the window regains focus, so views of it know to refresh. */
  changes: number
  /** Drops an approval this page just answered, without waiting for its event. */
  forget(paymentId: number): void
  /** Says this page is answering a payment, before it asks the companion (whose event may come first). */
  answering(paymentId: number): void
  /** The last waiting payment that left the queue without this page answering it: it timed out, or another window answered. */
  answeredElsewhere: { approval: Api.Approval; decision: Api.Resolved['decision'] } | undefined
  /** Sign-ins waiting for the human, oldest first. */
  signIns: Api.SignInRequest[]
}

/**
 * An approval with its times moved to this page's clock: over SSH the browser runs on another
 * machine, whose clock may differ from the companion's, and the countdown must end when the
 * companion declines. (The view's age in transit, a few milliseconds, is not corrected.)
 */
function inPageClock(approval: Api.Approval): Api.Approval {
  const skew = Date.now() - approval.viewedAt
  return { ...approval, queuedAt: approval.queuedAt + skew, expiresAt: approval.expiresAt + skew, viewedAt: approval.viewedAt + skew }
}

/** The approval queue, kept live from the companion's event stream. */
export function useApprovals(): Live {
  const [pending, setPending] = useState(() => new Map<number, Api.Approval>())
  const [connected, setConnected] = useState(false)
  const [changes, setChanges] = useState(0)
  const [answeredElsewhere, setAnsweredElsewhere] = useState<Live['answeredElsewhere']>()
  const listed = useRef(pending)
  listed.current = pending
  const ours = useRef(new Set<number>())
  const [signIns, setSignIns] = useState(() => new Map<number, Api.SignInRequest>())
  const updateSignIns = (change: (next: Map<number, Api.SignInRequest>) => void) =>
    setSignIns((current) => {
      const next = new Map(current)
      change(next)
      return next
    })

  useEffect(() => {
    const controller = new AbortController()
    const update = (change: (next: Map<number, Api.Approval>) => void) =>
      setPending((current) => {
        const next = new Map(current)
        change(next)
        return next
      })
    // Answered while the lists were being fetched: the lists must not bring these back.
    let answered = new Set<number>()
    let signInsGone = new Set<number>()
    const resolved = ({ paymentId, decision }: Api.Resolved) => {
      answered.add(paymentId)
      const approval = listed.current.get(paymentId)
      if (approval && !ours.current.has(paymentId)) setAnsweredElsewhere({ approval, decision })
      update((next) => next.delete(paymentId))
      setChanges((count) => count + 1)
    }
    void Transport.subscribe(
      {
        open() {
          setConnected(true)
          answered = new Set()
          signInsGone = new Set()
          update((next) => next.clear())
          updateSignIns((next) => next.clear())
          Api.approvals().then(
            (list) => update((next) => list.filter((entry) => !answered.has(entry.paymentId)).forEach((entry) => next.set(entry.paymentId, inPageClock(entry)))),
            () => {},
          )
          // Merged, not replacing: a card the stream brought while this list was on its way
          // (listed before the card came) must stay.
          Api.signIns().then(
            (list) => updateSignIns((next) => list.filter((request) => !signInsGone.has(request.id)).forEach((request) => next.set(request.id, request))),
            () => {},
          )
        },
        event({ name, data }) {
          if (name === 'approval.added') {
            const approval = inPageClock(JSON.parse(data) as Api.Approval)
            update((next) => next.set(approval.paymentId, approval))
          } else if (name === 'approval.resolved') resolved(JSON.parse(data) as Api.Resolved)
          else if (name === 'payments.changed' || name === 'settings.changed' || name === 'auth.changed') setChanges((count) => count + 1)
          else if (name === 'notice') {
            setChanges((count) => count + 1)
            notify(JSON.parse(data) as Api.Notice)
          } else if (name === 'signin.added') {
            const request = JSON.parse(data) as Api.SignInRequest
            updateSignIns((next) => next.set(request.id, request))
          } else if (name === 'signin.resolved') {
            const { id } = JSON.parse(data) as { id: number }
            signInsGone.add(id)
            updateSignIns((next) => next.delete(id))
            setChanges((count) => count + 1)
          }
        },
        closed: () => setConnected(false),
      },
      controller.signal,
    )
    // The CLI and the tray change rules, budgets and the pause without an event: coming back to
    // the window reads the screens again.
    const refresh = () => setChanges((count) => count + 1)
    window.addEventListener('focus', refresh)
    return () => {
      controller.abort()
      window.removeEventListener('focus', refresh)
    }
  }, [])

  const approvals = [...pending.values()].sort((a, b) => a.queuedAt - b.queuedAt || a.paymentId - b.paymentId)
  const forget = (paymentId: number) => setPending((current) => {
    if (!current.has(paymentId)) return current
    const next = new Map(current)
    next.delete(paymentId)
    return next
  })
  const waitingSignIns = [...signIns.values()].sort((a, b) => a.createdAt - b.createdAt)
  return { approvals, connected, changes, forget, answering: (paymentId) => void ours.current.add(paymentId), answeredElsewhere, signIns: waitingSignIns }
}
