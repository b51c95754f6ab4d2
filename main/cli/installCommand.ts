import { resolve } from 'node:path'
import * as Entry from '../hosts/Entry.js'
import * as Host from '../hosts/Host.js'
import * as Hosts from '../hosts/Hosts.js'
import * as Registration from '../hosts/Registration.js'
import * as Upstream from '../hosts/Upstream.js'
import * as Home from '../shared/Home.js'
import * as Options from './Options.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

const ids = Hosts.all.map((host) => host.id).join(', ')

export const flags = {
  header: { type: 'string', multiple: true, default: [] as string[] },
  transport: { type: 'string' },
  'allow-http': { type: 'boolean', default: false },
  stdio: { type: 'boolean', default: false },
  wrap: { type: 'boolean', default: false },
  workspace: { type: 'string' },
  project: { type: 'string' },
  config: { type: 'string' },
  create: { type: 'boolean', default: false },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance install <host> <name> <url> [--header "Name: value"]… [--transport STRATEGY] [--allow-http] [--create]',
    'allowance install <host> <name> --stdio -- <command> [args…]',
    'allowance install --wrap <host> <name>',
    'allowance uninstall <host> <name>',
  ],
  about: `Writes an entry that runs this Allowance's bridge (absolute paths, never npx) into an agent
host's MCP config, and changes nothing else in the file: neighbouring entries, comments and
formatting stay byte for byte. A host that does not look installed (no folder for its file) gets
no file, unless --create. Each changed file gets a timestamped backup beside it (the newest 3
are kept); a second install changes nothing; uninstall takes the entry out, or puts back the one
it replaced, leaving the file as it was. --wrap routes an entry the host already has through
Allowance: a remote one keeps its headers, a local one runs under the bridge with its env and
cwd. No secret is written: a header that carries one must be a \${VAR} reference, read from the
host's environment when the bridge starts.`,
  arguments: [
    ['<host>', ids],
    ['<name>', 'the server\'s name in the host: letters, digits, ".", "_" and "-"'],
    ['<url>', 'the MCP server to pay through Allowance (https://, or http:// to this machine)'],
  ],
  options: [
    ['--header "Name: value"', 'sent with every request (repeatable); a secret only as \${VAR}'],
    ['--transport STRATEGY', 'http-first (the default), sse-first, http-only or sse-only'],
    ['--allow-http', 'accept plain http:// to another machine'],
    ['--stdio -- <command>', 'a local server process, started by the bridge, instead of a URL'],
    ['--wrap', "route the host's entry <name> through Allowance: a remote one (url, serverUrl or\nmcp-remote) keeping its headers, a local command as bridge --stdio -- <command>"],
    ['--workspace DIR', "vscode: DIR/.vscode/mcp.json instead of the user's mcp.json"],
    ['--project DIR', 'claude-code: DIR/.mcp.json instead of ~/.claude.json'],
    ['--config PATH', "this config file instead of the host's usual one(s)"],
    ['--create', "write the host's file even where the host does not look installed"],
  ],
  environment: [['ALLOWANCE_HOSTS_HOME', "stands for your home directory when looking for hosts' config files"]],
  examples: [
    'allowance install claude-desktop search https://tools.example.com/mcp --header "X-Api-Key: \${SEARCH_KEY}"',
    'allowance install --wrap cursor github',
    'allowance uninstall claude-desktop search',
  ],
})

/** `allowance install …` and `allowance uninstall …`: register the bridge in an agent host's config. */
export async function run(argv: readonly string[], remove = false): Promise<number> {
  const separator = argv.indexOf('--')
  const own = separator === -1 ? argv : argv.slice(0, separator)
  const parsed = Options.parse(own, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [hostId, name] = positionals
  if (hostId === undefined) throw new UsageError(`which host? One of ${ids}.`)
  const host = Hosts.find(hostId)
  if (!host) throw new UsageError(`unknown host "${hostId}"; one of ${ids}.`)
  for (const flag of ['workspace', 'project'] as const) {
    if (values[flag] !== undefined && host.directoryFlag !== flag) throw new UsageError(`--${flag} is not an option for ${host.id}.`)
  }
  if (name === undefined || !Entry.namePattern.test(name)) {
    throw new UsageError(name === undefined ? 'which server name?' : `"${name}" is not a server name (letters, digits, ".", "_", "-").`)
  }
  const where = Host.here(values.workspace ?? values.project)
  const files = values.config !== undefined ? [resolve(values.config)] : host.files(where)
  const dataHome = Home.resolve()
  if (remove) {
    Options.noMore(positionals, 2)
    if (separator !== -1 || values.stdio || values.header.length > 0) throw new UsageError('uninstall takes only the host and the name.')
    return report(host, name, Registration.uninstall(host, name, files, dataHome), 'Removed')
  }
  if (values.wrap) {
    Options.noMore(positionals, 2)
    return report(host, name, Registration.route(host, name, files, dataHome), 'Routed')
  }
  const upstream = readUpstream(positionals, values, separator === -1 ? undefined : argv.slice(separator + 1))
  const bridgeArgs = Options.check(() => Upstream.bridgeArguments(upstream))
  // A file named by --config, --workspace or --project is asked for; the user's own, only where the host runs.
  const named = values.config !== undefined || where.directory !== undefined
  if (!named && !values.create && !Host.installed(host, where)) {
    throw new Error(`${host.title} does not look installed on this machine, so nothing was written; open it once, or add --create to write ${files.join(' and ')} anyway.`)
  }
  return report(host, name, Registration.install(host, name, Entry.bridge(bridgeArgs), files, dataHome), 'Installed')
}

/** The URL and its flags, or the command line after `--` with `--stdio`. */
function readUpstream(positionals: readonly string[], values: { header: string[]; transport?: string; 'allow-http': boolean; stdio: boolean }, command: string[] | undefined): Upstream.Upstream {
  if (values.stdio) {
    Options.noMore(positionals, 2)
    return { command: command ?? [] }
  }
  if (command !== undefined) throw new UsageError('a command after "--" needs --stdio.')
  Options.noMore(positionals, 3)
  if (positionals[2] === undefined) throw new UsageError('which URL? Or --stdio -- <command>.')
  return { url: positionals[2], headers: values.header, transport: values.transport, allowHttp: values['allow-http'] }
}

function report(host: Host.Host, name: string, changes: readonly Registration.Change[], verb: string): number {
  console.log(Registration.describe(host, name, changes, verb))
  if (Registration.restartNeeded(host, changes)) console.log(host.restart)
  return 0
}
