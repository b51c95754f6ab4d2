import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ConfigFile from './ConfigFile.js'

/**
 * `hosts.json` in the data directory: the entry each install replaced, per config file and
 * name, so that `uninstall` can put it back. Owner-only, as the replaced entry may hold a token.
 */
type Replaced = Record<string, Record<string, unknown>>

export function path(dataHome: string): string {
  return join(dataHome, 'hosts.json')
}

export function replaced(dataHome: string, file: string, name: string): unknown {
  return read(dataHome)[file]?.[name]
}

/** Records (or, with `undefined`, forgets) the entry `name` had in `file` before ours. */
export function remember(dataHome: string, file: string, name: string, entry: unknown): void {
  const state = read(dataHome)
  const entries = { ...state[file] }
  if (entry === undefined) delete entries[name]
  else entries[name] = entry
  if (Object.keys(entries).length > 0) state[file] = entries
  else delete state[file]
  ConfigFile.replace(path(dataHome), `${JSON.stringify(state, null, 2)}\n`)
}

function read(dataHome: string): Replaced {
  return existsSync(path(dataHome)) ? (JSON.parse(readFileSync(path(dataHome), 'utf8')) as Replaced) : {}
}
