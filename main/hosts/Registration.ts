import { isDeepStrictEqual } from 'node:util'
import * as ConfigFile from './ConfigFile.js'
import * as Entry from './Entry.js'
import * as JsonEdit from './JsonEdit.js'
import type * as Host from './Host.js'
import * as Remote from './Remote.js'
import * as State from './State.js'
import * as Upstream from './Upstream.js'

/** What one install or uninstall did to one config file. */
export type Change = { file: string; changed: boolean; backup: string | undefined; note?: string }

/**
 * Puts `stdio` in each of the host's files as server `name`, changing nothing else in them. A file
 * already holding exactly this entry is left alone (no write, no backup); what the install changed
 * beyond adding its entry (an entry that was not ours, a servers map the file lacked) is remembered.
 */
export function install(host: Host.Host, name: string, stdio: Entry.Stdio, files: readonly string[], dataHome: string): Change[] {
  return files.map((path) => {
    const file = ConfigFile.read(path, host.jsonc)
    const existing = servers(file, host)[name]
    const entry = { ...host.entry(stdio), ...preferences(host, existing) }
    if (isDeepStrictEqual(existing, entry)) return { file: file.path, changed: false, backup: undefined }
    const { backup } = ConfigFile.write(file, JsonEdit.set(file.text ?? '', [host.key, name], entry))
    const foreign = existing !== undefined && !Entry.isManaged(existing)
    const addedMap = file.value[host.key] === undefined
    if (foreign || addedMap) State.remember(dataHome, file.path, name, foreign ? { replaced: JsonEdit.valueText(file.text!, [host.key, name])! } : { addedMap: true })
    return { file: file.path, changed: true, backup, note: foreign ? 'replaced an entry of that name; uninstall puts it back' : undefined }
  })
}

/**
 * Routes the host's server `name` through the bridge: what `allowance install --wrap` does. A
 * remote one (`url`, `serverUrl` or an `mcp-remote` command) keeps its headers; a local one runs
 * as `bridge --stdio -- <command> <args…>`, with its `env` and `cwd`, which the bridge passes on
 * (unless `local` is false: then only a remote one is routed).
 */
export function route(host: Host.Host, name: string, files: readonly string[], dataHome: string, local = true): Change[] {
  const existing = find(host, name, files)
  if (Entry.throughAllowance(existing)) return files.map((file) => ({ file, changed: false, backup: undefined, note: 'already goes through Allowance' }))
  const remote = Remote.read(existing)
  const command = remote || !local ? undefined : Entry.stdio(existing)
  if (!remote && !command) {
    const what = local ? `server "${name}" (an entry with a url, a serverUrl or a command)` : `remote server "${name}" (an entry with url, serverUrl or an mcp-remote command)`
    throw new Error(`${host.title} has no ${what} in ${files.join(', ')}.`)
  }
  const { upstream, env } = remote ? Upstream.fromRemote(remote) : { upstream: { command: [command!.command, ...command!.args] }, env: command!.env }
  const stdio = Entry.bridge(Upstream.bridgeArguments(upstream))
  return install(host, name, { ...stdio, env: { ...env, ...stdio.env }, ...(command?.cwd !== undefined ? { cwd: command.cwd } : {}) }, files, dataHome)
}

/**
 * Removes our entry `name`, or puts back the one it replaced, and the servers map the install
 * added: the file is as before the install, other changes made since kept. An entry that is not ours stays.
 */
export function uninstall(host: Host.Host, name: string, files: readonly string[], dataHome: string): Change[] {
  return files.map((path) => {
    const file = ConfigFile.read(path, host.jsonc)
    const existing = servers(file, host)[name]
    if (existing === undefined) return { file: file.path, changed: false, backup: undefined, note: `no server "${name}" here` }
    if (!Entry.isManaged(existing)) return { file: file.path, changed: false, backup: undefined, note: `"${name}" was not installed by Allowance; left as it is` }
    const { replaced, addedMap } = State.recorded(dataHome, file.path, name) ?? {}
    const at = [host.key, name]
    let text = replaced !== undefined ? JsonEdit.restore(file.text!, at, replaced) : JsonEdit.remove(file.text!, at)
    if (addedMap && Object.keys(servers(file, host)).length === 1) text = JsonEdit.remove(text, [host.key])
    const result = ConfigFile.write(file, text)
    State.remember(dataHome, file.path, name, undefined)
    return { file: file.path, changed: true, ...result, note: replaced === undefined ? undefined : 'restored the entry it had replaced' }
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
