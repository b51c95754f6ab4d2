/**
 * The `--help` text of every command, in one layout: the synopsis, what the command does, its
 * subcommands, arguments, actions, options and environment variables as aligned two-column lists, and examples.
 */
export type Parts = {
  synopsis: readonly string[]
  about?: string
  /** The top level's subcommands. */
  commands?: readonly Row[]
  /** What each positional argument means. */
  arguments?: readonly Row[]
  actions?: readonly Row[]
  options?: readonly Row[]
  environment?: readonly Row[]
  examples: readonly string[]
}

/** A name and what it means; a `\n` in the meaning continues it on the next line, aligned. */
export type Row = readonly [string, string]

export function format(parts: Parts): string {
  const sections = [section('Usage', parts.synopsis)]
  if (parts.about) sections.push(parts.about)
  if (parts.commands) sections.push(section('Commands', columns(parts.commands)))
  if (parts.arguments) sections.push(section('Arguments', columns(parts.arguments)))
  if (parts.actions) sections.push(section('Actions', columns(parts.actions)))
  sections.push(section('Options', columns([...(parts.options ?? []), ['-h, --help', 'this help']])))
  if (parts.environment) sections.push(section('Environment', columns(parts.environment)))
  sections.push(section(parts.examples.length === 1 ? 'Example' : 'Examples', parts.examples))
  return sections.join('\n\n')
}

function section(title: string, lines: readonly string[]): string {
  return [`${title}:`, ...lines.map((line) => `  ${line}`)].join('\n')
}

function columns(rows: readonly Row[]): string[] {
  const width = Math.max(...rows.map(([name]) => name.length)) + 3
  return rows.flatMap(([name, meaning]) => meaning.split('\n').map((line, index) => `${index === 0 ? name.padEnd(width) : ' '.repeat(width)}${line}`.trimEnd()))
}
