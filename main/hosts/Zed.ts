import * as Entry from './Entry.js'
import * as Host from './Host.js'

/**
 * Zed: `context_servers` in its settings file, JSONC (comments and trailing commas), which Zed
 * reloads as soon as it changes. `~/.config/zed/settings.json` on Linux (XDG) and macOS alike,
 * `%APPDATA%\Zed\settings.json` on Windows, and the Flatpak's own copy when that is installed.
 *
 * The entry is the flat `{command, args, env, timeout}` that current Zed reads (its untagged
 * stdio form): Zed's settings migration rewrites the older `{"command": {"path", "args"}}` and
 * `"source": "custom"` shapes into it, so writing either of those would only earn a banner.
 */
export const host: Host.Host = {
  id: 'zed',
  title: 'Zed',
  key: 'context_servers',
  jsonc: true,
  files(where) {
    if (where.platform === 'win32') return [Host.join(where, Host.appData(where), 'Zed', 'settings.json')]
    const config = where.platform === 'darwin' ? Host.join(where, where.home, '.config') : Host.appData(where)
    const flatpak = Host.join(where, where.home, '.var', 'app', 'dev.zed.Zed', 'config', 'zed')
    return [Host.join(where, config, 'zed', 'settings.json'), ...(where.exists(flatpak) ? [Host.join(where, flatpak, 'settings.json')] : [])]
  },
  // `timeout` is Zed's per-server call timeout in seconds (60 unless set): too short for an approval.
  entry: (stdio: Entry.Stdio) => ({ ...stdio, timeout: Entry.callTimeoutSeconds }),
  preferences: ['enabled', 'remote'],
}
