import { useEffect, useRef, useState, type RefObject } from 'react'
import * as Api from './Api.js'
import { answered, type Outcome } from './AnswerNotice.js'

/**
 * A waiting card's answer: sends it once (nothing while one is on its way, nothing but a decline
 * when `canApprove` is false), and the card's keys: Esc declines, Ctrl/Cmd+Enter approves once;
 * nothing approves on a bare Enter. The card takes the focus when it shows.
 */
export function useCardAnswer(parameters: useCardAnswer.Parameters): useCardAnswer.ReturnType {
  const { approval, option, canApprove, card, onAnswering, onAnswered } = parameters
  const [busy, setBusy] = useState(false)
  const [problem, setProblem] = useState<string>()

  const answer = async (choice: Api.ApproveOption | 'decline') => {
    if (busy || (!canApprove && choice !== 'decline')) return
    setBusy(true)
    setProblem(undefined)
    onAnswering?.(approval.paymentId)
    try {
      await (choice === 'decline' ? Api.decline(approval.paymentId) : Api.approve(approval.paymentId, choice, option.challengeId))
      onAnswered(answered(approval, option, choice))
    } catch (error) {
      setProblem((error as Error).message)
      setBusy(false)
    }
  }
  // The latest `answer` for the document-wide keys.
  const keys = useRef(answer)
  keys.current = answer

  useEffect(() => {
    card.current?.focus()
    const onKey = (event: KeyboardEvent) => {
      if (event.repeat) return
      if (event.key === 'Escape') {
        event.preventDefault()
        void keys.current('decline')
      } else if (event.key === 'Enter' && (event.ctrlKey || event.metaKey)) {
        event.preventDefault()
        void keys.current('once')
      }
    }
    document.addEventListener('keydown', onKey)
    return () => document.removeEventListener('keydown', onKey)
  }, [approval.paymentId])

  return { busy, problem, answer: (choice) => void answer(choice) }
}

export declare namespace useCardAnswer {
  type Parameters = {
    approval: Api.Approval
    option: Api.Option
    /** False while approving could not work (a locked wallet); declining always can. */
    canApprove: boolean
    card: RefObject<HTMLElement | null>
    onAnswering?: ((paymentId: number) => void) | undefined
    onAnswered(outcome: Outcome): void
  }
  type ReturnType = { busy: boolean; problem: string | undefined; answer(choice: Api.ApproveOption | 'decline'): void }
}
