import { useCallback, useEffect, useState, type DependencyList } from 'react'

export type Loaded<T> = {
  /** The last value read; kept while a reload runs, so the screen does not flicker. */
  value: T | undefined
  /** The companion's sentence when the last read failed. */
  problem: string | undefined
  /** Reads again (after a change this page made). */
  reload(): void
}

/** Reads `load()` now, whenever `deps` change and on `reload()`; an answer that arrives after a newer read started is dropped. */
export function useLoaded<T>(load: () => Promise<T>, deps: DependencyList): Loaded<T> {
  const [value, setValue] = useState<T>()
  const [problem, setProblem] = useState<string>()
  const [round, setRound] = useState(0)
  useEffect(() => {
    let current = true
    load().then(
      (next) => {
        if (!current) return
        setValue(next)
        setProblem(undefined)
      },
      (error: Error) => current && setProblem(error.message),
    )
    return () => {
      current = false
    }
  }, [...deps, round])
  const reload = useCallback(() => setRound((count) => count + 1), [])
  return { value, problem, reload }
}
