import { useState } from 'react'

export type Change = {
  /** Runs one change through the companion; on success shows its sentence and calls `done`. */
  run(change: () => Promise<{ message: string }>, done?: () => void): Promise<boolean>
  /** What the last change did, in the companion's words. */
  message: string | undefined
  /** Why the last change was refused, in the companion's words; nothing was changed. */
  problem: string | undefined
  busy: boolean
}

/** One form's or list's changes: one at a time, each answered with a sentence to show. */
export function useChange(): Change {
  const [message, setMessage] = useState<string>()
  const [problem, setProblem] = useState<string>()
  const [busy, setBusy] = useState(false)
  const run: Change['run'] = async (change, done) => {
    setBusy(true)
    try {
      const answer = await change()
      setMessage(answer.message)
      setProblem(undefined)
      done?.()
      return true
    } catch (error) {
      setMessage(undefined)
      setProblem((error as Error).message)
      return false
    } finally {
      setBusy(false)
    }
  }
  return { run, message, problem, busy }
}
