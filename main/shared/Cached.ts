import { statSync } from 'node:fs'

/**
 * A value read from a file, read again only when the file changes (its mtime or size): a stat per
 * use instead of a read and a parse, for state that another process (the CLI) may rewrite anytime.
 */
export function fromFile<T>(path: string, read: () => T): () => T {
  let seen: { stamp: string; value: T } | undefined
  return () => {
    const stat = statSync(path, { throwIfNoEntry: false })
    const stamp = stat ? `${stat.mtimeMs}:${stat.size}:${stat.ino}` : 'absent'
    if (seen?.stamp !== stamp) seen = { stamp, value: read() }
    return seen.value
  }
}
