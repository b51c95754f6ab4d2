import { app } from 'electron'
import { existsSync, mkdirSync, rmSync, writeFileSync } from 'node:fs'
import { homedir } from 'node:os'
import { join } from 'node:path'

/**
 * Starting the app when the user logs in, if they chose to: through Electron on macOS and
 * Windows, through an XDG autostart entry on Linux (where Electron has no login items). Started
 * that way, the app opens no window: it waits in the tray.
 */
export type LoginItem = {
  /** Whether the app starts at login; undefined where it cannot. */
  enabled(): boolean | undefined
  set(enabled: boolean): void
  /** This launch was the one at login. */
  launchedAtLogin(): boolean
}

/** The argument the login launch carries (macOS reports the launch itself). */
export const atLoginArgument = '--at-login'

export function create(platform: NodeJS.Platform = process.platform, env: NodeJS.ProcessEnv = process.env): LoginItem {
  if (platform === 'darwin' || platform === 'win32') {
    const args = [atLoginArgument]
    return {
      enabled: () => app.getLoginItemSettings({ args }).openAtLogin,
      set: (openAtLogin) => app.setLoginItemSettings({ openAtLogin, args }),
      launchedAtLogin: () => process.argv.includes(atLoginArgument) || (platform === 'darwin' && app.getLoginItemSettings().wasOpenedAtLogin === true),
    }
  }
  if (platform !== 'linux') return { enabled: () => undefined, set: () => {}, launchedAtLogin: () => false }
  const file = join(env.XDG_CONFIG_HOME || join(homedir(), '.config'), 'autostart', 'allowance.desktop')
  return {
    enabled: () => existsSync(file),
    set(enabled) {
      if (!enabled) return rmSync(file, { force: true })
      mkdirSync(join(file, '..'), { recursive: true })
      writeFileSync(file, desktopEntry([...command(env), atLoginArgument]))
    },
    launchedAtLogin: () => process.argv.includes(atLoginArgument),
  }
}

/** What starts this installation: the AppImage, the installed binary, or Electron with the app's folder. */
function command(env: NodeJS.ProcessEnv): string[] {
  if (env.APPIMAGE) return [env.APPIMAGE]
  return app.isPackaged ? [process.execPath] : [process.execPath, app.getAppPath()]
}

/** An XDG autostart entry running `argv`, each argument quoted as the Desktop Entry specification asks. */
export function desktopEntry(argv: readonly string[]): string {
  const quote = (argument: string) => `"${argument.replace(/[\\"`$]/g, '\\$&')}"`.replace(/\\/g, '\\\\').replace(/%/g, '%%')
  return ['[Desktop Entry]', 'Type=Application', 'Name=Allowance', 'Comment=Lets AI agents pay for MCP tools, with you in the loop', `Exec=${argv.map(quote).join(' ')}`, 'X-GNOME-Autostart-enabled=true', ''].join('\n')
}
