import { realpathSync } from 'node:fs'
import { join, resolve } from 'node:path'
import * as DesktopApp from '../shared/DesktopApp.js'
import * as Home from '../shared/Home.js'
import * as Installation from '../shared/Installation.js'
import * as BridgeRuntime from './BridgeRuntime.js'

/**
 * The server entry that runs `allowance bridge …`. Absolute paths to Node and the CLI script,
 * never `npx`: hosts start servers with a truncated PATH, and `cmd.exe` mangles shims.
 */
export type Stdio = { command: string; args: string[]; env: Record<string, string>; cwd?: string }

/**
 * Seconds a host that lets an entry set its own call timeout (Cline, Zed; both default to 60)
 * should wait: the approval popup alone may take 60, then the payment and the call itself.
 */
export const callTimeoutSeconds = 300

/** A server name every host accepts as a key, and no shell or URL mangles. */
export const namePattern = /^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$/

/** Marks an entry as ours; `env` is the one extra key every host accepts and passes on harmlessly. */
export const marker = 'ALLOWANCE_MANAGED'

/** The stdio command for `allowance bridge <bridgeArgs>`, started the way `runtime` starts this installation's CLI. */
export function bridge(bridgeArgs: readonly string[], env: NodeJS.ProcessEnv = process.env, runtime: Runtime = here()): Stdio {
  return {
    command: runtime.node,
    args: [realpathSync(resolve(runtime.script)), 'bridge', ...bridgeArgs],
    // A custom data directory must reach the bridge, or it would look for another companion.
    env: { [marker]: '1', ...runtime.env, ...(env.ALLOWANCE_HOME ? { ALLOWANCE_HOME: resolve(env.ALLOWANCE_HOME) } : {}) },
  }
}

/** A program that runs the CLI script, with what its environment needs for that. */
export type Runtime = { node: string; script: string; env?: Record<string, string> }

/** What {@link here} reads of this process: Node's or Electron's own values by default. */
export type Process = {
  versions: NodeJS.ProcessVersions
  execPath: string
  /** The script this process runs (`process.argv[1]`). */
  script: string | undefined
  /** Electron's resources folder (`process.resourcesPath`): in a packaged app it holds `bridge/` and `runtime/`. */
  resourcesPath: string | undefined
  env: NodeJS.ProcessEnv
  platform: NodeJS.Platform
}

/**
 * How this process can start its own CLI's bridge. The CLI: the Node and script it runs on. The
 * packaged desktop app: the Node runtime it ships (`runtime/`) on its self-contained bridge bundle
 * (`bridge/allowance.mjs`), never its own binary as Node (the `runAsNode` fuse is off), so a user
 * of the app needs no Node at all; the entry also names the app, which the bridge opens when it
 * finds no companion. An AppImage's files vanish when it quits, so those two are copied to the
 * data directory first. The app run from a checkout (`npm start`): the Node that started it.
 */
export function here(self: Process = current()): Runtime {
  const { versions, execPath, resourcesPath, env, platform } = self
  if (!versions.electron) return { node: execPath, script: self.script! }
  const bundled = resourcesPath === undefined ? undefined : BridgeRuntime.bundled(resourcesPath, platform)
  if (bundled) {
    const files = env.APPIMAGE ? BridgeRuntime.stage(bundled, join(Home.resolve(env, platform), 'bridge-runtime'), platform) : bundled
    return { node: files.node, script: files.script, env: { [DesktopApp.launcherVariable]: env.APPIMAGE || execPath } }
  }
  const node = env[DesktopApp.nodeVariable]
  const script = Installation.find(join('dist', 'allowance.js'))
  if (!node || !script) {
    throw new Error(
      'This desktop app has no Node for the bridge to run on: a packaged app ships one, and one run from a checkout must be started with `npm start` (or `allowance start`), after `npm run build`.',
    )
  }
  return { node, script }
}

function current(): Process {
  return { versions: process.versions, execPath: process.execPath, script: process.argv[1], resourcesPath: (process as { resourcesPath?: string }).resourcesPath, env: process.env, platform: process.platform }
}

/** Whether a host's entry was written by `allowance install`. */
export function isManaged(entry: unknown): boolean {
  const env = (entry as { env?: unknown } | null)?.env
  return typeof env === 'object' && env !== null && (env as Record<string, unknown>)[marker] === '1'
}

/** Whether a host's entry runs the bridge, installed by `allowance install` or not. */
export function throughAllowance(entry: unknown): boolean {
  return isManaged(entry) || bridgeArguments(entry) !== undefined
}

/** What an entry launches: `{command, args, env, cwd}`, or older Zed's `{command: {path, args, env}}`. */
export function stdio(entry: unknown): Stdio | undefined {
  if (typeof entry !== 'object' || entry === null) return undefined
  const { command, args, env, cwd } = entry as Record<string, unknown>
  if (typeof command === 'object' && command !== null && typeof (command as { path?: unknown }).path === 'string') {
    const nested = command as { path: string; args?: unknown; env?: unknown }
    return stdio({ command: nested.path, args: nested.args, env: nested.env })
  }
  if (typeof command !== 'string') return undefined
  const strings = Array.isArray(args) ? args.filter((arg): arg is string => typeof arg === 'string') : []
  const environment = typeof env === 'object' && env !== null ? Object.fromEntries(Object.entries(env).filter((pair): pair is [string, string] => typeof pair[1] === 'string')) : {}
  return { command, args: strings, env: environment, ...(typeof cwd === 'string' ? { cwd } : {}) }
}

/**
 * The arguments after `bridge` when the entry runs `allowance bridge …` (ours, the demo's, or one
 * written by hand: `node …/allowance.js bridge …` or an `allowance` on the PATH).
 */
export function bridgeArguments(entry: unknown): string[] | undefined {
  const launch = stdio(entry)
  if (!launch) return undefined
  const line = [launch.command, ...launch.args]
  const at = line.findIndex((word, index) => word === 'bridge' && index > 0 && /(^|[\\/])allowance(\.(c?m?js|cmd|exe))?$/i.test(line[index - 1]!))
  return at === -1 ? undefined : line.slice(at + 1)
}
