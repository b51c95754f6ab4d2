import { statSync } from 'node:fs'

/**
 * A value read from a file, read again only when the file changes (its mtime or size): a stat
 * instead of a read and a parse, for state that another process (the CLI) may rewrite anytime.
 * The file is stat-ed at most once per event-loop turn: the requests that arrive together (a
 * batch of decisions) share one look, and a change shows from the next turn on.
 */
export function fromFile<T>(path: string, read: () => T): () => T {
  let seen: { stamp: string; value: T } | undefined
  let lookedThisTurn = false
  return () => {
    if (lookedThisTurn && seen) return seen.value
    const stat = statSync(path, { throwIfNoEntry: false })
    const stamp = stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'absent'
    if (seen?.stamp !== stamp) seen = { stamp, value: read() }
    lookedThisTurn = true
    setImmediate(() => (lookedThisTurn = false))
    return seen.value
  }
}
