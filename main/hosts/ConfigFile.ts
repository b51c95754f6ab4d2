import { chmodSync, existsSync, mkdirSync, readFileSync, realpathSync, renameSync, statSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import * as Jsonc from 'jsonc-parser'

/**
 * A host's JSON config file, edited in place: only the one value we set changes, so other
 * servers, comments (where the host allows JSONC) and the file's own formatting survive.
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

/** The file's text with the value at `at` replaced (or removed, for `undefined`), in the file's own indentation. */
export function set(file: File, at: Jsonc.JSONPath, value: unknown): string {
  const text = file.text === undefined || file.text.trim() === '' ? '{}\n' : file.text
  const indent = /^[ \t]+(?=")/m.exec(text)?.[0] ?? '  '
  const formattingOptions = { insertSpaces: !indent.startsWith('\t'), tabSize: indent.startsWith('\t') ? 1 : indent.length, eol: text.includes('\r\n') ? '\r\n' : '\n' }
  return Jsonc.applyEdits(text, Jsonc.modify(text, at, value, { formattingOptions }))
}

/** Writes `text` over the file atomically, after copying the old file to a timestamped backup beside it. */
export function write(file: File, text: string, now = new Date()): { backup: string | undefined } {
  let backup: string | undefined
  if (file.text !== undefined) {
    backup = `${file.path}.allowance-backup-${now.toISOString().replace(/[:.]/g, '-')}`
    writeFileSync(backup, file.text, { flag: 'wx' })
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
