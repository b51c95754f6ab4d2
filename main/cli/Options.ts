import { parseArgs, type ParseArgsConfig } from 'node:util'
import { UsageError } from './UsageError.js'

/**
 * Command-line parsing shared by the subcommands: strict flags, positionals, `--help`, and the
 * checks every value gets before anything is written. Each failure is a {@link UsageError}.
 */
export type Spec = NonNullable<ParseArgsConfig['options']>

/** The flags and positionals; undefined after printing the usage for `--help`. */
export function parse<const spec extends Spec>(argv: readonly string[], spec: spec, usage: string) {
  const options = { ...spec, help: { type: 'boolean', short: 'h' } } as const
  const { args, restore } = shieldNumbers(argv)
  let parsed
  try {
    parsed = parseArgs({ args, options, allowPositionals: true, strict: true })
  } catch {
    throw new UsageError(problem(args, options))
  }
  parsed.positionals = parsed.positionals.map(restore)
  const values = parsed.values as Record<string, unknown>
  for (const [name, value] of Object.entries(values)) values[name] = Array.isArray(value) ? value.map(restore) : typeof value === 'string' ? restore(value) : value
  if (!(parsed.values as { help?: boolean }).help) return parsed
  console.log(usage)
  return undefined
}

/**
 * parseArgs reads `-5` as a flag. No flag starts with a digit or a point, so such an argument
 * (before `--`) is a value: it is swapped for a placeholder no command line can hold (a NUL),
 * then put back, and its checks say what is wrong with the number.
 */
function shieldNumbers(argv: readonly string[]) {
  const end = argv.indexOf('--')
  const numbers = new Map<string, string>()
  const args = argv.map((arg, index) => {
    if ((end !== -1 && index > end) || !/^-[0-9.]/.test(arg)) return arg
    const placeholder = `\0${index}`
    numbers.set(placeholder, arg)
    return placeholder
  })
  return { args, restore: (value: string) => numbers.get(value) ?? value }
}

/** What parseArgs refused, in the CLI's words. */
function problem(args: string[], options: Spec): string {
  const { tokens } = parseArgs({ args, options, allowPositionals: true, strict: false, tokens: true })
  for (const token of tokens) {
    if (token.kind !== 'option') continue
    const type = Object.hasOwn(options, token.name) ? options[token.name]!.type : undefined
    if (type === undefined) return `unknown option "${token.rawName}".`
    if (type === 'string' && (token.value === undefined || (!token.inlineValue && token.value.startsWith('-')))) return `${token.rawName} needs a value.`
    if (type === 'boolean' && token.value !== undefined) return `${token.rawName} takes no value.`
  }
  return 'the options could not be read.'
}

/** Runs a check whose error is the user's input being wrong: its message becomes a usage error. */
export function check<T>(read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new UsageError((error as Error).message)
  }
}

/** A rule, budget or lease id: a positive integer. */
export function id(value: string | undefined, what: string): number {
  if (value === undefined) throw new UsageError(`which ${what}? Give its id (see the list).`)
  if (!/^[1-9][0-9]{0,15}$/.test(value)) throw new UsageError(`"${value}" is not a ${what} id.`)
  return Number(value)
}

/** A positive integer flag such as `--limit` or `--minutes`, within `max`. */
export function count(value: string, flag: string, max: number): number {
  const number = /^[1-9][0-9]*$/.test(value) ? Number(value) : NaN
  if (!(number <= max)) throw new UsageError(`--${flag} must be a whole number from 1 to ${max.toLocaleString('en')}.`)
  return number
}

/** Refuses positionals beyond the `expected` ones. */
export function noMore(positionals: readonly string[], expected: number): void {
  const extra = positionals[expected]
  if (extra !== undefined) throw new UsageError(`unexpected argument "${extra}".`)
}
