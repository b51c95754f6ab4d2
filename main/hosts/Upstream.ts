import * as Arguments from '../bridge/Arguments.js'
import type * as Remote from './Remote.js'

/** What a host entry should reach through the bridge: a remote server, or a local server's command line. */
export type Upstream =
  | { url: string; headers?: readonly string[]; transport?: string | undefined; allowHttp?: boolean }
  | { command: readonly string[] }

/**
 * The arguments after `allowance bridge` for `upstream`, checked exactly as the bridge will
 * check them. A header that carries a secret must be a `${VAR}` reference: a literal one would
 * sit in a plain file that other tools read and sync.
 */
export function bridgeArguments(upstream: Upstream): string[] {
  if ('command' in upstream) {
    const args = ['--stdio', '--', ...upstream.command]
    Arguments.parse(args)
    return args
  }
  const headers = upstream.headers ?? []
  for (const header of headers) {
    if (isLiteralSecret(header)) throw new Error(`the header "${header.split(':')[0]}: …" looks like a secret: write \${VAR} and set VAR in the host's environment.`)
  }
  const args = [
    upstream.url,
    ...headers.flatMap((header) => ['--header', header]),
    ...(upstream.transport ? ['--transport', upstream.transport] : []),
    ...(upstream.allowHttp ? ['--allow-http'] : []),
  ]
  Arguments.parse(args, Arguments.anyEnvironment)
  return args
}

/**
 * A host's remote entry as an upstream for the bridge. A secret header the host held literally
 * moves into the entry's `env` and is referenced as `${VAR}`: it stays in the file where it was,
 * but off the bridge's command line, which every process on the machine can read.
 */
export function fromRemote(remote: Remote.Remote): { upstream: Upstream; env: Record<string, string> } {
  const env: Record<string, string> = { ...remote.env }
  const headers = remote.headers.map((header) => {
    if (!isLiteralSecret(header)) return header
    const colon = header.indexOf(':')
    const name = header.slice(0, colon).trim()
    const variable = `ALLOWANCE_HEADER_${name.toUpperCase().replace(/[^A-Z0-9]/g, '_')}`
    env[variable] = header.slice(colon + 1).trim()
    return `${name}: \${${variable}}`
  })
  return { upstream: { url: remote.url, headers }, env }
}

/** A header whose name says it carries a credential and whose value is written out, not a `${…}` reference. */
export function isLiteralSecret(header: string): boolean {
  return /^\s*[^:]*(authorization|token|key|secret|cookie|password)[^:]*:(?![^$]*\$\{)/i.test(header)
}

/**
 * A local server's command line as the doctor and the Servers screen show it: the command and its
 * arguments, except that an argument that looks like a secret (a literal `Authorization: …`
 * header, `--token=…`, `API_KEY=…`, a known token shape such as `ghp_…` or `sk-…`) and the value
 * after a flag named like one (`--token`, `--api-key`, `--secret`, `--password`…) show as ••••.
 */
export function shownCommandLine(command: string, args: readonly string[]): string {
  const shown = args.map((arg, index) => {
    const previous = index > 0 ? /^--?([\w.-]+)$/.exec(args[index - 1]!) : null
    if (previous && secretName(previous[1]!) && !arg.startsWith('-')) return masked(arg)
    const assigned = /^(-{0,2})([\w.-]+)=(.*)$/s.exec(arg)
    if (assigned && secretName(assigned[2]!)) return `${assigned[1]}${assigned[2]}=${masked(assigned[3]!)}`
    if (isLiteralSecret(arg)) return `${arg.slice(0, arg.indexOf(':'))}: ${mask}`
    return tokenShape.test(arg) ? mask : arg
  })
  return [command, ...shown].join(' ')
}

const mask = '••••'
/** A `${VAR}` reference names a secret without holding it: it is shown. */
const masked = (value: string) => (value.includes('${') ? value : mask)
/** `api-key`, `GITHUB_TOKEN`, `authToken`: a word of the name says it holds a credential. */
const secretName = (name: string) =>
  name
    .replace(/([a-z0-9])([A-Z])/g, '$1-$2')
    .toLowerCase()
    .split(/[-_.]+/)
    .some((word) => secretWords.has(word))
const secretWords = new Set(['token', 'key', 'apikey', 'secret', 'password', 'passwd', 'pass', 'credential', 'credentials', 'auth', 'pat', 'bearer'])
const tokenShape = /^(gh[pousr]_|github_pat_|glpat-|sk-|sk_|rk_|pk_live_|xox[abprs]-|AKIA[0-9A-Z]{12})/
