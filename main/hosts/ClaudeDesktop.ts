import type * as Entry from './Entry.js'
import * as Host from './Host.js'

/** The MSIX build (Windows' default installer since early 2026) reads a virtualised copy of the file. */
const msixPackage = 'Claude_pzs8sxrjxfjjc'

/** Claude Desktop: strict JSON, `mcpServers`, read only at start. No official Linux build; the path is the community one. */
export const host: Host.Host = {
  id: 'claude-desktop',
  title: 'Claude Desktop',
  key: 'mcpServers',
  jsonc: false,
  files(where) {
    const classic = Host.join(where, Host.appData(where), 'Claude', 'claude_desktop_config.json')
    if (where.platform !== 'win32') return [classic]
    const local = where.env.LOCALAPPDATA ?? Host.join(where, where.home, 'AppData', 'Local')
    const packageDirectory = Host.join(where, local, 'Packages', msixPackage)
    // Both, when MSIX is installed: "Edit Config" has opened either one (anthropics/claude-code#26073).
    return where.exists(packageDirectory) ? [classic, Host.join(where, packageDirectory, 'LocalCache', 'Roaming', 'Claude', 'claude_desktop_config.json')] : [classic]
  },
  entry: (stdio: Entry.Stdio) => ({ ...stdio }),
  restart: 'Quit and reopen Claude Desktop to load it.',
}
