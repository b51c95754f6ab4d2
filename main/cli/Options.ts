import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './UsageError.js'

/**
 * Command-line parsing shared by the subcommands: strict flags, positionals, `--help`, and the
 * checks every value gets before anything is written. Each failure is a {@link UsageError}.
 */
export type Spec = NonNullable<ParseArgsConfig['options']>

/** The flags and positionals; undefined after printing the usage for `--help`. */
export function parse<const spec extends Spec>(argv: readonly string[], spec: spec, usage: string) {
  let parsed
  try {
    parsed = parseArgs({ args: [...argv], options: { ...spec, help: { type: 'boolean', short: 'h' } }, allowPositionals: true, strict: true })
  } catch (error) {
    throw new UsageError((error as Error).message, usage)
  }
  if (!(parsed.values as { help?: boolean }).help) return parsed
  console.log(usage)
  return undefined
}

/** Runs a check whose error is the user's input being wrong: its message becomes a usage error. */
export function check<T>(usage: string, read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new UsageError((error as Error).message, usage)
  }
}

/** A rule, budget or lease id: a positive integer. */
export function id(value: string | undefined, what: string, usage: string): number {
  if (value === undefined) throw new UsageError(`which ${what}? Give its id (see the list).`, usage)
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new UsageError(`"${value}" is not a ${what} id.`, usage)
  return Number(value)
}

/** A positive integer flag such as `--limit` or `--minutes`, within `max`. */
export function count(value: string, flag: string, max: number, usage: string): number {
  const number = /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN
  if (!(number <= max)) throw new UsageError(`--${flag} must be a whole number from 1 to ${max.toLocaleString('en')}.`, usage)
  return number
}

/** Refuses positionals beyond the `expected` ones. */
export function noMore(positionals: readonly string[], expected: number, usage: string): void {
  const extra = positionals[expected]
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}".`, usage)
}
