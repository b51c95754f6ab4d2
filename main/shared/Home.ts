import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * The data directory: socket, database (the ledger), logs and configuration (settings.json) all live here.
 * `ALLOWANCE_HOME` wins; otherwise the platform's per-user application-data directory.
 */
export function resolve(
  env: NodeJS.ProcessEnv = process.env,
  platform: NodeJS.Platform = process.platform,
  home: string = homedir(),
): string {
  if (env.ALLOWANCE_HOME) return env.ALLOWANCE_HOME
  if (platform === 'darwin') return join(home, 'Library', 'Application Support', 'Allowance')
  if (platform === 'win32') return join(env.APPDATA ?? join(home, 'AppData', 'Roaming'), 'Allowance')
  return join(env.XDG_CONFIG_HOME ?? join(home, '.config'), 'allowance')
}

/** Where each kind of file lives inside a data directory. */
export function paths(home: string) {
  return {
    home,
    logs: join(home, 'logs'),
    database: join(home, 'ledger.sqlite'),
    /** The user's configuration file (companion/Config.ts reads it). */
    config: join(home, 'settings.json'),
    /** Which era each upstream server spoke last time (bridge/era/EraMemory.ts). */
    eras: join(home, 'eras.json'),
    socket: process.platform === 'win32' ? `\\\\.\\pipe\\allowance-${Buffer.from(home).toString('hex').slice(-32)}` : join(home, 'companion.sock'),
  }
}
