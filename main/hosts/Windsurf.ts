import * as Entry from './Entry.js'
import * as Host from './Host.js'

/**
 * Windsurf: `~/.codeium/windsurf/mcp_config.json` on every OS (`%USERPROFILE%` on Windows), strict
 * JSON, `mcpServers`. Its remote entries use `serverUrl` where other hosts write `url` (a pasted
 * Cursor entry never connects); ours is a stdio entry, so only `--wrap` reads that key. Some newer
 * builds read `~/.codeium/mcp_config.json` instead: written too when it exists.
 */
export const host: Host.Host = {
  id: 'windsurf',
  title: 'Windsurf',
  key: 'mcpServers',
  jsonc: false,
  files(where) {
    const shared = Host.join(where, where.home, '.codeium', 'mcp_config.json')
    return [Host.join(where, where.home, '.codeium', 'windsurf', 'mcp_config.json'), ...(where.exists(shared) ? [shared] : [])]
  },
  entry: (stdio: Entry.Stdio) => ({ ...stdio }),
  preferences: ['disabled', 'disabledTools'],
  restart: "Press Refresh in Windsurf's MCP servers panel (or restart Windsurf) to load it.",
}
