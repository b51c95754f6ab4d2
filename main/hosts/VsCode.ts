import type * as Entry from './Entry.js'
import * as Host from './Host.js'

/** VS Code: `servers` (not `mcpServers`) with an explicit `"type": "stdio"`, in JSONC; user profile or `--workspace DIR`. */
export const host: Host.Host = {
  id: 'vscode',
  title: 'VS Code',
  key: 'servers',
  jsonc: true,
  directoryFlag: 'workspace',
  files: (where) =>
    where.directory !== undefined
      ? [Host.join(where, where.directory, '.vscode', 'mcp.json')]
      : [Host.join(where, Host.appData(where), 'Code', 'User', 'mcp.json')],
  entry: (stdio: Entry.Stdio) => ({ type: 'stdio', ...stdio }),
}
