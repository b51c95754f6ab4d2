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
