import { existsSync } from 'node:fs'
import { homedir } from 'node:os'
import * as Path from 'node:path'
import type * as Entry from './Entry.js'

/** Where a host's config lives and how its server entries look; one module per host format. */
export type Host = {
  id: string
  title: string
  /** The servers map: `mcpServers` for most hosts, `servers` for VS Code. */
  key: string
  /** Whether the host reads comments and trailing commas in this file. */
  jsonc: boolean
  /** A flag naming a directory-scoped config (`--workspace`, `--project`) instead of the user's. */
  directoryFlag?: string
  /** The files to write: more than one where a host may read either (Claude Desktop's MSIX copy). */
  files(where: Where): string[]
  /**
   * Whether the host is set up on this machine, when the folder of one of its files is not the
   * sign (`installed` says how `install` tells, by default).
   */
  installed?(where: Where): boolean
  entry(stdio: Entry.Stdio): Record<string, unknown>
  /** The host's own per-server switches (`disabled`, `autoApprove`…): an install keeps what the user set. */
  preferences?: readonly string[]
  /** Told after a change, for hosts that read their config only at start. */
  restart?: string
}

export type Where = {
  home: string
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
  directory: string | undefined
  exists(path: string): boolean
}

/**
 * This machine, for the user's config (or the one `directory` scopes). `ALLOWANCE_HOSTS_HOME`
 * stands in for the home directory, and then the real APPDATA or XDG_CONFIG_HOME must not leak in.
 */
export function here(directory?: string, env: NodeJS.ProcessEnv = process.env): Where {
  const standIn = env.ALLOWANCE_HOSTS_HOME
  return {
    home: standIn ? Path.resolve(standIn) : homedir(),
    env: standIn ? {} : env,
    platform: process.platform,
    directory: directory === undefined ? undefined : Path.resolve(directory),
    exists: existsSync,
  }
}

/**
 * Whether `host` is set up on this machine: the folder its config file goes in exists (the host
 * made it when it first ran), or what the host's own `installed` checks. `install` creates no
 * file for a host that is not, unless asked.
 */
export function installed(host: Host, where: Where): boolean {
  return host.installed ? host.installed(where) : host.files(where).some((file) => where.exists((where.platform === 'win32' ? Path.win32 : Path.posix).dirname(file)))
}

/** The user's per-app configuration directory (`%APPDATA%`, `~/Library/Application Support`, XDG). */
export function appData(where: Where): string {
  const { home, env, platform } = where
  if (platform === 'darwin') return join(where, home, 'Library', 'Application Support')
  if (platform === 'win32') return env.APPDATA ?? join(where, home, 'AppData', 'Roaming')
  return env.XDG_CONFIG_HOME ?? join(where, home, '.config')
}

/** Joins paths as the host's platform does (Windows paths are worked out on any OS in tests). */
export function join(where: Where, ...parts: string[]): string {
  return (where.platform === 'win32' ? Path.win32 : Path.posix).join(...parts)
}
