/**
 * How the CLI prints: aligned columns for people, JSON for scripts (CSV is shared/Csv.ts). Amounts
 * reach here already formatted as strings (BigInt atomic units rendered with the registry's decimals).
 */

/** Columns separated by two spaces, the header in capitals; no trailing blanks. */
export function table(header: readonly string[], rows: readonly (readonly string[])[]): string {
  const widths = header.map((cell, column) => Math.max(cell.length, ...rows.map((row) => row[column]!.length)))
  const line = (cells: readonly string[]) => cells.map((cell, column) => cell.padEnd(widths[column]!)).join('  ').trimEnd()
  return [line(header.map((cell) => cell.toUpperCase())), ...rows.map(line)].join('\n')
}

/**
 * Whether to colour what goes to `stream`: on a terminal, unless the user set NO_COLOR
 * (https://no-color.org: any value but the empty string).
 */
export function colour(stream: { isTTY?: boolean } = process.stdout, env: NodeJS.ProcessEnv = process.env): boolean {
  return stream.isTTY === true && !env.NO_COLOR
}

/** ✓ for what is fine and ✗ for what is not, green and red when `coloured`. */
export function mark(fine: boolean, coloured: boolean): string {
  const sign = fine ? '✓' : '✗'
  return coloured ? `\x1b[${fine ? 32 : 31}m${sign}\x1b[39m` : sign
}

/** Pretty JSON; a BigInt becomes its decimal string (scripts read exact atomic amounts). */
export function json(value: unknown): string {
  return JSON.stringify(value, (_key, member: unknown) => (typeof member === 'bigint' ? member.toString() : member), 2)
}

/** "2026-03-04 12:00:05" in local time, as budgets count days. */
export function time(epochMs: number): string {
  const date = new Date(epochMs)
  const two = (value: number) => String(value).padStart(2, '0')
  return `${date.getFullYear()}-${two(date.getMonth() + 1)}-${two(date.getDate())} ${two(date.getHours())}:${two(date.getMinutes())}:${two(date.getSeconds())}`
}

/** "45s", "29m", "1h 05m", "2d 3h". */
export function duration(ms: number): string {
  const seconds = Math.max(0, Math.round(ms / 1000))
  if (seconds < 60) return `${seconds}s`
  const minutes = Math.floor(seconds / 60)
  if (minutes < 60) return `${minutes}m`
  const hours = Math.floor(minutes / 60)
  if (hours < 24) return `${hours}h ${String(minutes % 60).padStart(2, '0')}m`
  return `${Math.floor(hours / 24)}d ${hours % 24}h`
}
