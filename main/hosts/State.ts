import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import * as ConfigFile from './ConfigFile.js'

/**
 * `hosts.json` in the data directory: what each install changed beyond adding its entry, per config
 * file and name, so that `uninstall` can give the file back as it was. Owner-only, as a replaced
 * entry may hold a token.
 */
export type Record = {
  /** The entry of that name the install replaced, as its text stood in the file. */
  replaced?: string
  /** The install added the host's servers map itself: uninstall takes it out again once empty. */
  addedMap?: true
}

type Records = { [file: string]: { [name: string]: Record } }

export function path(dataHome: string): string {
  return join(dataHome, 'hosts.json')
}

export function recorded(dataHome: string, file: string, name: string): Record | undefined {
  return read(dataHome)[file]?.[name]
}

/** Records (or, with `undefined`, forgets) what installing `name` in `file` changed. */
export function remember(dataHome: string, file: string, name: string, record: Record | undefined): void {
  const state = read(dataHome)
  const entries = { ...state[file] }
  if (record === undefined) delete entries[name]
  else entries[name] = record
  if (Object.keys(entries).length > 0) state[file] = entries
  else delete state[file]
  ConfigFile.replace(path(dataHome), `${JSON.stringify(state, null, 2)}\n`)
}

function read(dataHome: string): Records {
  return existsSync(path(dataHome)) ? (JSON.parse(readFileSync(path(dataHome), 'utf8')) as Records) : {}
}
