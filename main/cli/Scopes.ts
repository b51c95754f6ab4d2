import * as Scope from '../ledger/Scope.js'
import * as Options from './Options.js'
import type * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

/**
 * What a rule, budget or lease applies to, as flags: `--server URL` (or a stdio command line),
 * one of `--tool NAME`, `--resource URI`, `--prompt NAME`, and `--host NAME`. No flag means
 * every server.
 */
export const flags = {
  server: { type: 'string' },
  tool: { type: 'string' },
  resource: { type: 'string' },
  prompt: { type: 'string' },
  host: { type: 'string' },
} as const satisfies Options.Spec

export const usage = '[--server URL [--tool NAME | --resource URI | --prompt NAME]] [--host NAME]'

/** The scope flags' lines in a command's `--help`. */
export const help: readonly Usage.Row[] = [
  ['--server URL', "only this server: its URL, or a local server's command line (default: every server)"],
  ['--tool NAME', 'only this tool of --server'],
  ['--resource URI', 'only this resource of --server'],
  ['--prompt NAME', 'only this prompt of --server'],
  ['--host NAME', 'only calls from this agent host, by the name it gives itself (Claude Code, Cursor…)'],
]

export function read(values: read.Values): Scope.Normalized {
  const targets = (['tool', 'resource', 'prompt'] as const).filter((flag) => values[flag] !== undefined)
  if (targets.length > 1) throw new UsageError(`give one of --tool, --resource and --prompt, not ${targets.map((flag) => `--${flag}`).join(' and ')}.`)
  const [flag] = targets
  if (flag && values.server === undefined) throw new UsageError(`--${flag} needs --server: a name means something only on one server.`)
  for (const name of ['server', ...targets, 'host'] as const) {
    if (values[name]?.trim() === '') throw new UsageError(`--${name} needs a value.`)
  }
  return Options.check(() => Scope.fromUser({ upstream: values.server, operation: flag && operations[flag], target: flag && values[flag], host: values.host }))
}

export declare namespace read {
  type Values = { server?: string | undefined; tool?: string | undefined; resource?: string | undefined; prompt?: string | undefined; host?: string | undefined }
}

/** The scope for `--json`: `null` means any. */
export function toJson(scope: Scope.Normalized) {
  return { server: scope.upstream, operation: scope.operation, target: scope.target, host: scope.host }
}

/** Table cells: server, call, host. */
export function cells(scope: Scope.Normalized): [string, string, string] {
  return [scope.upstream ?? 'any', scope.operation && scope.target ? Scope.call(scope.operation, scope.target) : 'any', scope.host ?? 'any']
}

/** "every server", "tool search on https://tools.example.com/mcp for Cursor". */
export function describe(scope: Scope.Normalized): string {
  const server = scope.upstream ?? 'every server'
  const where = scope.operation && scope.target ? `${Scope.call(scope.operation, scope.target)} on ${server}` : server
  return scope.host ? `${where} for ${scope.host}` : where
}

const operations = { tool: 'tools/call', resource: 'resources/read', prompt: 'prompts/get' } as const
