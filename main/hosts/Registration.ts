import { isDeepStrictEqual } from 'node:util'
import * as ConfigFile from './ConfigFile.js'
import * as Entry from './Entry.js'
import type * as Host from './Host.js'
import * as State from './State.js'

/** What one install or uninstall did to one config file. */
export type Change = { file: string; changed: boolean; backup: string | undefined; note?: string }

/**
 * Puts `stdio` in each of the host's files as server `name`. A file already holding exactly
 * this entry is left alone (no write, no backup); an entry that was not ours is remembered.
 */
export function install(host: Host.Host, name: string, stdio: Entry.Stdio, files: readonly string[], dataHome: string): Change[] {
  const entry = host.entry(stdio)
  return files.map((path) => {
    const file = ConfigFile.read(path, host.jsonc)
    const existing = servers(file, host)[name]
    if (isDeepStrictEqual(existing, entry)) return { file: file.path, changed: false, backup: undefined }
    const { backup } = ConfigFile.write(file, ConfigFile.set(file, [host.key, name], entry))
    const foreign = existing !== undefined && !Entry.isManaged(existing)
    if (foreign) State.remember(dataHome, file.path, name, existing)
    return { file: file.path, changed: true, backup, note: foreign ? 'replaced an entry of that name; uninstall puts it back' : undefined }
  })
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

/** The entry `name` has in the first of the host's files that has one. */
export function find(host: Host.Host, name: string, files: readonly string[]): unknown {
  for (const path of files) {
    const entry = servers(ConfigFile.read(path, host.jsonc), host)[name]
    if (entry !== undefined) return entry
  }
  return undefined
}

function servers(file: ConfigFile.File, host: Host.Host): Record<string, unknown> {
  const map = file.value[host.key]
  if (map === undefined) return {}
  if (typeof map !== 'object' || map === null || Array.isArray(map)) throw new Error(`"${host.key}" in ${file.path} is not an object; fix it by hand first.`)
  return map as Record<string, unknown>
}
