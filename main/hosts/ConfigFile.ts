import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, realpathSync, renameSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { basename, dirname, join } from 'node:path'
import * as Jsonc from 'jsonc-parser'

/**
 * A host's JSON config file, read and written whole (`JsonEdit` makes the text's minimal edits),
 * with a bounded number of backups beside it.
 */
export type File = { path: string; text: string | undefined; value: Record<string, unknown> }

/** A config file the host itself could not read; `reason` completes "The file …". */
export class InvalidFileError extends Error {
  constructor(
    readonly path: string,
    readonly reason: string,
  ) {
    super(`${path} ${reason}; fix it by hand first, nothing was written.`)
  }
}

/** Reads `path` (a missing file reads as `{}`). Refuses a file the host itself could not parse. */
export function read(path: string, jsonc: boolean): File {
  const real = existsSync(path) ? realpathSync(path) : path // a dotfiles symlink stays a symlink
  const text = existsSync(real) ? readFileSync(real, 'utf8') : undefined
  const errors: Jsonc.ParseError[] = []
  const value: unknown = text === undefined || text.trim() === '' ? {} : Jsonc.parse(text, errors, { disallowComments: !jsonc, allowTrailingComma: jsonc })
  if (errors.length > 0 || typeof value !== 'object' || value === null || Array.isArray(value)) {
    const at = errors[0] ? ` (${Jsonc.printParseErrorCode(errors[0].error)} at offset ${errors[0].offset})` : ''
    throw new InvalidFileError(path, `is not a ${jsonc ? 'JSONC' : 'JSON'} object${at}`)
  }
  return { path: real, text, value: value as Record<string, unknown> }
}

/** How many backups of a file are kept beside it: the newest. */
export const backupsKept = 3

/**
 * Writes `text` over the file atomically, after copying the old file to a timestamped backup beside
 * it; of the backups, only the newest `backupsKept` stay.
 */
export function write(file: File, text: string, now = new Date()): { backup: string | undefined } {
  let backup: string | undefined
  if (file.text !== undefined) {
    const prefix = `${basename(file.path)}.allowance-backup-`
    backup = join(dirname(file.path), `${prefix}${now.toISOString().replace(/[:.]/g, '-')}`)
    writeFileSync(backup, file.text, { flag: 'wx' })
    // ISO timestamps sort as text: the oldest come first.
    const backups = readdirSync(dirname(file.path)).filter((name) => name.startsWith(prefix)).sort()
    for (const old of backups.slice(0, -backupsKept)) rmSync(join(dirname(file.path), old))
  }
  replace(file.path, text)
  return { backup }
}

/** Temp file + rename, so a host reading meanwhile sees the old file or the new one, never half. */
export function replace(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  const temporary = `${path}.allowance-${process.pid}.tmp`
  const mode = existsSync(path) ? statSync(path).mode & 0o777 : 0o600
  writeFileSync(temporary, text, { mode })
  chmodSync(temporary, mode) // the umask must not loosen or tighten what the host's file had
  renameSync(temporary, path)
}
