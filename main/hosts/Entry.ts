import { realpathSync } from 'node:fs'
import { resolve } from 'node:path'

/**
 * The server entry that runs `allowance bridge …`. Absolute paths to Node and the CLI script,
 * never `npx`: hosts start servers with a truncated PATH, and `cmd.exe` mangles shims.
 */
export type Stdio = { command: string; args: string[]; env: Record<string, string> }

/** Marks an entry as ours; `env` is the one extra key every host accepts and passes on harmlessly. */
export const marker = 'ALLOWANCE_MANAGED'

/** The stdio command for `allowance bridge <bridgeArgs>`, as this process was started. */
export function bridge(
  bridgeArgs: readonly string[],
  env: NodeJS.ProcessEnv = process.env,
  runtime = { node: process.execPath, script: process.argv[1]! },
): Stdio {
  return {
    command: runtime.node,
    args: [realpathSync(resolve(runtime.script)), 'bridge', ...bridgeArgs],
    // A custom data directory must reach the bridge, or it would look for another companion.
    env: { [marker]: '1', ...(env.ALLOWANCE_HOME ? { ALLOWANCE_HOME: resolve(env.ALLOWANCE_HOME) } : {}) },
  }
}

/** Whether a host's entry was written by `allowance install`. */
export function isManaged(entry: unknown): boolean {
  const env = (entry as { env?: unknown } | null)?.env
  return typeof env === 'object' && env !== null && (env as Record<string, unknown>)[marker] === '1'
}
