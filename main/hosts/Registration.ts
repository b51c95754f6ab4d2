import { isDeepStrictEqual } from 'node:util'
import * as ConfigFile from './ConfigFile.js'
import * as Entry from './Entry.js'
import type * as Host from './Host.js'
import * as Remote from './Remote.js'
import * as State from './State.js'
import * as Upstream from './Upstream.js'

/** What one install or uninstall did to one config file. */
export type Change = { file: string; changed: boolean; backup: string | undefined; note?: string }

/**
 * Puts `stdio` in each of the host's files as server `name`. A file already holding exactly
 * this entry is left alone (no write, no backup); an entry that was not ours is remembered.
 */
export function install(host: Host.Host, name: string, stdio: Entry.Stdio, files: readonly string[], dataHome: string): Change[] {
  return files.map((path) => {
    const file = ConfigFile.read(path, host.jsonc)
    const existing = servers(file, host)[name]
    const entry = { ...host.entry(stdio), ...preferences(host, existing) }
    if (isDeepStrictEqual(existing, entry)) return { file: file.path, changed: false, backup: undefined }
    const { backup } = ConfigFile.write(file, ConfigFile.set(file, [host.key, name], entry))
    const foreign = existing !== undefined && !Entry.isManaged(existing)
    if (foreign) State.remember(dataHome, file.path, name, existing)
    return { file: file.path, changed: true, backup, note: foreign ? 'replaced an entry of that name; uninstall puts it back' : undefined }
  })
}

/**
 * Routes the host's remote server `name` (`url`, `serverUrl` or an `mcp-remote` command) through
 * the bridge, keeping its headers: what `allowance install --wrap` does.
 */
export function route(host: Host.Host, name: string, files: readonly string[], dataHome: string): Change[] {
  const existing = find(host, name, files)
  if (Entry.throughAllowance(existing)) return files.map((file) => ({ file, changed: false, backup: undefined, note: 'already goes through Allowance' }))
  const remote = Remote.read(existing)
  if (!remote) throw new Error(`${host.title} has no remote server "${name}" (an entry with url, serverUrl or an mcp-remote command) in ${files.join(', ')}.`)
  const { upstream, env } = Upstream.fromRemote(remote)
  const stdio = Entry.bridge(Upstream.bridgeArguments(upstream))
  return install(host, name, { ...stdio, env: { ...env, ...stdio.env } }, files, dataHome)
}

/** Removes our entry `name`, or puts back the one it replaced; an entry that is not ours stays. */
export function uninstall(host: Host.Host, name: string, files: readonly string[], dataHome: string): Change[] {
  return files.map((path) => {
    const file = ConfigFile.read(path, host.jsonc)
    const existing = servers(file, host)[name]
    if (existing === undefined) return { file: file.path, changed: false, backup: undefined, note: `no server "${name}" here` }
    if (!Entry.isManaged(existing)) return { file: file.path, changed: false, backup: undefined, note: `"${name}" was not installed by Allowance; left as it is` }
    const previous = State.replaced(dataHome, file.path, name)
    const result = ConfigFile.write(file, ConfigFile.set(file, [host.key, name], previous))
    State.remember(dataHome, file.path, name, undefined)
    return { file: file.path, changed: true, ...result, note: previous === undefined ? undefined : 'restored the entry it had replaced' }
  })
}

/** What the changes did: a line per file, its note and backup indented below. */
export function describe(host: Host.Host, name: string, changes: readonly Change[], verb: string): string {
  return changes
    .map((change) => {
      const what = change.changed ? `${verb} "${name}" in ${host.title}: ${change.file}` : `${host.title}: ${change.file} unchanged`
      return [what, change.note, change.backup && `backup: ${change.backup}`].filter(Boolean).join('\n  ')
    })
    .join('\n')
}

/** Whether the host must be restarted (or refreshed) to see the changes. */
export function restartNeeded(host: Host.Host, changes: readonly Change[]): host is Host.Host & { restart: string } {
  return host.restart !== undefined && changes.some((change) => change.changed)
}

/** The entry `name` has in the first of the host's files that has one. */
export function find(host: Host.Host, name: string, files: readonly string[]): unknown {
  for (const path of files) {
    const entry = servers(ConfigFile.read(path, host.jsonc), host)[name]
    if (entry !== undefined) return entry
  }
  return undefined
}

/** The host's own switches the user set on the entry being replaced, such as Cline's `autoApprove`. */
function preferences(host: Host.Host, existing: unknown): Record<string, unknown> {
  if (typeof existing !== 'object' || existing === null) return {}
  return Object.fromEntries(Object.entries(existing).filter(([key]) => host.preferences?.includes(key)))
}

/** The host's servers map in `file`; a map that is not an object is refused. */
export function servers(file: ConfigFile.File, host: Host.Host): Record<string, unknown> {
  const map = file.value[host.key]
  if (map === undefined) return {}
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new ConfigFile.InvalidFileError(file.path, `has a "${host.key}" that is not an object`)
  return map as Record<string, unknown>
}
