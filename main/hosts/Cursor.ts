import type * as Entry from './Entry.js'
import * as Host from './Host.js'

/** Cursor: `~/.cursor/mcp.json` (`%USERPROFILE%` on Windows), `mcpServers`; kept strict JSON. */
export const host: Host.Host = {
  id: 'cursor',
  title: 'Cursor',
  key: 'mcpServers',
  jsonc: false,
  files: (where) => [Host.join(where, where.home, '.cursor', 'mcp.json')],
  entry: (stdio: Entry.Stdio) => ({ ...stdio }),
}
