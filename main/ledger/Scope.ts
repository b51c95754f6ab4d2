import { isOperation, type Operation } from '../wire/Messages.js'

/**
 * What a rule, budget or lease applies to: everything (`upstream` unset), one upstream server, or
 * one tool/resource/prompt on it (`operation` + `target`), each optionally narrowed to one agent
 * host. Unset fields match anything.
 */
export type Scope = {
  upstream?: string | null | undefined
  operation?: Operation | null | undefined
  target?: string | null | undefined
  host?: string | null | undefined
}

export { isOperation, operations, type Operation } from '../wire/Messages.js'

/** A scope as stored: unset fields are `null`. */
export type Normalized = { upstream: string | null; operation: Operation | null; target: string | null; host: string | null }

/** The call a payment is for. */
export type Context = { host: string; upstream: string; operation: Operation; target: string }

/** SQL condition: the row's scope columns cover the call bound as `@host @upstream @operation @target`. */
export const covers = `(upstream IS NULL OR upstream = @upstream)
  AND (target IS NULL OR (operation = @operation AND target = @target))
  AND (host IS NULL OR host = @host)`

/**
 * {@link covers} in JavaScript, for rules and budgets a decision has already read.
 *
 * @example
 * ```ts
 * import * as Scope from './Scope.js'
 *
 * const context = { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' } as const
 * Scope.includes(Scope.normalize({ upstream: 'https://tools.example.com/mcp' }), context) // true
 * Scope.includes(Scope.normalize({ host: 'Cursor' }), context) // false
 * ```
 */
export function includes(scope: Normalized, context: Context): boolean {
  return (
    (scope.upstream === null || scope.upstream === context.upstream) &&
    (scope.target === null || (scope.operation === context.operation && scope.target === context.target)) &&
    (scope.host === null || scope.host === context.host)
  )
}

/** Checks a scope given by the user and returns it with unset fields as `null`. */
export function normalize(scope: Scope): Normalized {
  const upstream = scope.upstream || null
  const operation = scope.operation || null
  const target = scope.target || null
  const host = scope.host || null
  if (operation !== null && !isOperation(operation)) throw new Error(`Unknown operation ${JSON.stringify(operation)}.`)
  if ((operation === null) !== (target === null)) throw new Error('A scope names an operation and a target together, or neither.')
  if (target !== null && upstream === null) throw new Error('A scope that names a tool, resource or prompt must name its server.')
  return { upstream, operation, target, host }
}

/**
 * A scope as a user types it (CLI flags, the UI's fields): blanks mean any, the rest is trimmed,
 * the server is named as a bridge names it ({@link upstream}), then {@link normalize} checks it.
 *
 * @example
 * ```ts
 * import * as Scope from './Scope.js'
 *
 * Scope.fromUser({ upstream: ' HTTPS://Tools.example.com/mcp ', operation: 'tools/call', target: 'search', host: '' })
 * // { upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search', host: null }
 * Scope.fromUser({ operation: 'tools/call', target: 'search' }) // throws: a tool must name its server
 * ```
 */
export function fromUser(scope: Scope): Normalized {
  const text = (value: string | null | undefined) => value?.trim() || undefined
  const server = text(scope.upstream)
  return normalize({ upstream: server && upstream(server), operation: scope.operation, target: text(scope.target), host: text(scope.host) })
}

/**
 * The server as a bridge names it: a URL in the form the bridge was given it (`URL.href`, so
 * `HTTPS://Tools.example.com/mcp` still matches), or a stdio command line as typed.
 */
export function upstream(value: string): string {
  const text = value.trim()
  try {
    const url = new URL(text)
    if (url.protocol === 'https:' || url.protocol === 'http:') return url.href
  } catch {}
  return text
}

/** Whether two stored scopes are the same. */
export function same(a: Normalized, b: Normalized): boolean {
  return a.upstream === b.upstream && a.operation === b.operation && a.target === b.target && a.host === b.host
}

/** Higher is narrower: a tool beats a server beats global; naming a host breaks ties. */
export function specificity(scope: Scope): number {
  return (scope.target ? 4 : scope.upstream ? 2 : 0) + (scope.host ? 1 : 0)
}

/**
 * "everything", "tools.example.com", "`search` on tools.example.com", "… for Claude Code".
 *
 * @example
 * ```ts
 * import * as Scope from './Scope.js'
 *
 * Scope.describe({}) // 'everything'
 * Scope.describe({ upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search', host: 'Cursor' })
 * // '`search` on tools.example.com for Cursor'
 * ```
 */
export function describe(scope: Scope): string {
  const where = scope.target ? `\`${scope.target}\` on ${upstreamLabel(scope.upstream!)}` : scope.upstream ? upstreamLabel(scope.upstream) : 'everything'
  return scope.host ? `${where} for ${scope.host}` : where
}

/** "tool search", "resource file:///a", "prompt summary". */
export function call(operation: Operation, target: string): string {
  return `${operation === 'resources/read' ? 'resource' : operation === 'prompts/get' ? 'prompt' : 'tool'} ${target}`
}

/**
 * A short name for an upstream: the host of a URL, or the command of a stdio server.
 *
 * @example
 * ```ts
 * import * as Scope from './Scope.js'
 *
 * Scope.upstreamLabel('https://tools.example.com:8443/mcp') // 'tools.example.com:8443'
 * Scope.upstreamLabel('npx -y @acme/paid-server --port 3000') // 'npx'
 * ```
 */
export function upstreamLabel(upstream: string): string {
  // Every decline names its upstream, mostly the same one: parsing the URL cost more than the sentence.
  if (lastLabel?.upstream !== upstream) lastLabel = { upstream, label: label(upstream) }
  return lastLabel.label
}

let lastLabel: { upstream: string; label: string } | undefined

function label(upstream: string): string {
  try {
    const url = new URL(upstream)
    if (url.host) return url.host
  } catch {}
  const command = upstream.trim().split(/\s+/)[0] ?? upstream
  return command.length > 60 ? `${command.slice(0, 59)}…` : command
}
