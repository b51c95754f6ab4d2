// `npm test` after the build: Vitest inside a private D-Bus session with an unlocked
// gnome-keyring, so that the wallet tests use a real OS keychain (Secret Service). Where those
// programs are missing, Vitest runs as it is and the keychain tests say what to install.
import { spawnSync } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { homedir, tmpdir } from 'node:os'
import { join } from 'node:path'

const vitest = [process.execPath, 'node_modules/vitest/vitest.mjs', 'run', ...process.argv.slice(2)]
const available = (program) => spawnSync('sh', ['-c', `command -v ${program}`]).status === 0

let status
if (available('dbus-run-session') && available('gnome-keyring-daemon')) {
  // The keyring's files go to a throw-away HOME; the daemons end with the D-Bus session.
  const home = mkdtempSync(join(tmpdir(), 'allowance-keyring-'))
  const script = `printf allowance-test | gnome-keyring-daemon --unlock --components=secrets >/dev/null && exec "$@"`
  status = spawnSync('dbus-run-session', ['--', 'sh', '-c', script, 'sh', ...vitest], {
    stdio: 'inherit',
    env: { ...process.env, HOME: home, ALLOWANCE_TEST_KEYRING: '1', ...npmOfUser() },
  }).status
  rmSync(home, { recursive: true, force: true })
} else {
  console.warn('dbus-run-session or gnome-keyring-daemon is missing: the keychain tests will fail (apt-get install dbus gnome-keyring).')
  status = spawnSync(vitest[0], vitest.slice(1), { stdio: 'inherit' }).status
}
process.exit(status ?? 1)

/** npm reads its configuration and cache from HOME: the first-run test's `npm ci` needs the user's, not the throw-away one. */
function npmOfUser() {
  return {
    npm_config_userconfig: process.env.npm_config_userconfig ?? join(homedir(), '.npmrc'),
    npm_config_cache: process.env.npm_config_cache ?? join(homedir(), '.npm'),
  }
}
