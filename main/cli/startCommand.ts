import { spawn } from 'node:child_process'
import { existsSync } from 'node:fs'
import { createRequire } from 'node:module'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'
import * as DesktopApp from '../shared/DesktopApp.js'
import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const usage = Usage.format({
  synopsis: ['allowance start'],
  about: `Starts the desktop app (tray, approval popups, history, budgets, wallet) where Electron can
run. Where it cannot (no display, no Electron binary, an app not built, ALLOWANCE_HEADLESS=1),
it says why in one line and runs the headless companion instead, printing its UI address.`,
  environment: [
    ['ALLOWANCE_HEADLESS=1', 'always the headless companion'],
    ['ALLOWANCE_HOME', 'the data directory (socket, ledger, logs, settings.json)'],
  ],
  examples: ['allowance start', 'ALLOWANCE_HEADLESS=1 allowance start'],
})

/**
 * `allowance start` (and `npm start`): the Electron app where it can run, else the headless
 * companion, saying in one line why.
 */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0)
  const reason = whyNoElectron()
  if (!reason) {
    const electron = createRequire(import.meta.url)('electron') as string
    // The app's host entries run their bridges on this Node (the Electron binary does not run as Node).
    const child = spawn(electron, [appRoot()], { stdio: 'inherit', env: { ...process.env, [DesktopApp.nodeVariable]: process.execPath } })
    return new Promise((resolve) => child.once('exit', (code) => resolve(code ?? 0)))
  }
  console.log(`Allowance: starting the headless companion because ${reason}.`)
  const daemon = await import('../companion/daemon.js')
  return daemon.run()
}

/** The package root: the folder holding `package.json` and the built app in `out/`. */
function appRoot(): string {
  return join(dirname(fileURLToPath(import.meta.url)), '..')
}

function whyNoElectron(): string | undefined {
  if (process.env.ALLOWANCE_HEADLESS === '1') return 'ALLOWANCE_HEADLESS=1 asks for it'
  if (process.platform === 'linux' && !process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return 'there is no display (no DISPLAY or WAYLAND_DISPLAY)'
  try {
    const binary = createRequire(import.meta.url)('electron') as string
    if (!existsSync(binary)) return 'the Electron binary is not installed'
  } catch {
    return 'the Electron binary is not installed (it cannot be downloaded on this machine)'
  }
  if (!existsSync(join(appRoot(), 'out', 'main', 'index.js'))) return 'the desktop app is not built (run `npm run build`)'
  return undefined
}
