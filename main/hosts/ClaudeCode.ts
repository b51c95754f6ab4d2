import type * as Entry from './Entry.js'
import * as Host from './Host.js'

/**
 * Claude Code: user scope is the top-level `mcpServers` of `~/.claude.json` (a file Claude Code
 * also rewrites, so only our key is touched); `--project DIR` is that repository's `.mcp.json`.
 */
export const host: Host.Host = {
  id: 'claude-code',
  title: 'Claude Code',
  key: 'mcpServers',
  jsonc: false,
  directoryFlag: 'project',
  files: (where) =>
    where.directory !== undefined ? [Host.join(where, where.directory, '.mcp.json')] : [Host.join(where, where.home, '.claude.json')],
  // Its file sits in the home folder, which is always there: Claude Code has run when it or ~/.claude is.
  installed: (where) => where.exists(Host.join(where, where.home, '.claude.json')) || where.exists(Host.join(where, where.home, '.claude')),
  entry: (stdio: Entry.Stdio) => ({ type: 'stdio', ...stdio }),
  restart: 'Restart Claude Code (or run /mcp); a project .mcp.json asks for approval once.',
}
