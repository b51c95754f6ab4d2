import { existsSync } from 'node:fs'
import * as Arguments from '../bridge/Arguments.js'
import { describe } from '../bridge/UpstreamTarget.js'
import * as ConfigFile from './ConfigFile.js'
import * as Entry from './Entry.js'
import type * as Host from './Host.js'
import * as Hosts from './Hosts.js'
import * as Registration from './Registration.js'
import * as Remote from './Remote.js'
import * as Upstream from './Upstream.js'

/** Every MCP server entry of every host on this machine, as the doctor and the Servers screen list them. */
export type HostConfig = {
  host: { id: string; title: string; restart: string | undefined }
  /** One of its config files exists: the host is set up on this machine. */
  installed: boolean
  files: File[]
}

/** One config file: missing, unreadable (`error` completes "The file …"), or read with its servers. */
export type File = { path: string; found: boolean; error?: string; servers: Server[] }

export type Server = {
  name: string
  /** The entry runs `allowance bridge`. */
  throughAllowance: boolean
  /** `allowance install` wrote it (uninstall takes it out or puts back what it replaced). */
  managed: boolean
  /** A remote server reached directly, which `install --wrap` can route through Allowance. */
  routable: boolean
  /**
   * What the entry reaches, as the ledger names upstreams: the URL, or the bridge's command line.
   * A local server the host runs directly is never paid: its command line is shown with the
   * arguments that look like secrets masked (`Upstream.shownCommandLine`).
   */
  upstream: string | undefined
  /** What the host runs for it (undefined for a remote entry): its `env` may hold secrets, so it is never shown. */
  stdio: Entry.Stdio | undefined
}

/** Whether Allowance can pay what an entry reaches: it goes through Allowance, or it is a remote server `install --wrap` can route there. */
export function payable(server: Pick<Server, 'throughAllowance' | 'routable'>): boolean {
  return server.throughAllowance || server.routable
}

/**
 * Reads every known host's config files (and, with `where.directory`, the project-scoped ones
 * there). Nothing is written; a file that does not parse is reported, not thrown.
 */
export function scan(where: Host.Where): HostConfig[] {
  return Hosts.all.map((host) => {
    const scoped = where.directory !== undefined && host.directoryFlag !== undefined ? host.files(where) : []
    const paths = [...host.files({ ...where, directory: undefined }), ...scoped]
    const files = paths.map((path) => read(host, path))
    return { host: { id: host.id, title: host.title, restart: host.restart }, installed: files.some((file) => file.found), files }
  })
}

function read(host: Host.Host, path: string): File {
  if (!existsSync(path)) return { path, found: false, servers: [] }
  try {
    const file = ConfigFile.read(path, host.jsonc)
    return { path, found: true, servers: Object.entries(Registration.servers(file, host)).map(([name, entry]) => server(name, entry)) }
  } catch (error) {
    return { path, found: true, error: error instanceof ConfigFile.InvalidFileError ? error.reason : (error as Error).message, servers: [] }
  }
}

function server(name: string, entry: unknown): Server {
  const bridged = Entry.bridgeArguments(entry)
  const remote = bridged ? undefined : Remote.read(entry)
  const stdio = Entry.stdio(entry)
  return {
    name,
    throughAllowance: Entry.throughAllowance(entry),
    managed: Entry.isManaged(entry),
    routable: remote !== undefined,
    upstream: bridged ? bridgeUpstream(bridged) : remote ? canonicalUrl(remote.url) : stdio && Upstream.shownCommandLine(stdio.command, stdio.args),
    stdio,
  }
}

/** The upstream as the bridge will name it in the ledger; undefined when its arguments would not start. */
function bridgeUpstream(bridgeArgs: readonly string[]): string | undefined {
  try {
    return describe(Arguments.parse(bridgeArgs, Arguments.anyEnvironment))
  } catch {
    return undefined
  }
}

function canonicalUrl(url: string): string {
  return URL.canParse(url) ? new URL(url).href : url
}
