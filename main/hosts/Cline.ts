import * as Entry from './Entry.js'
import * as Host from './Host.js'

/** The VS Code family's folders under the app-data directory: Cline is an extension in any of them. */
const editors = ['Code', 'Code - Insiders', 'Cursor', 'VSCodium', 'Windsurf']

const extension = 'saoudrizwan.claude-dev'

const storage = (where: Host.Where, editor: string) => Host.join(where, Host.appData(where), editor, 'User', 'globalStorage', extension)
const cli = (where: Host.Where) => Host.join(where, where.home, '.cline')

/**
 * Cline: `cline_mcp_settings.json` in the extension's global storage of each editor it is
 * installed in (VS Code when none is found yet), and the Cline CLI's own copy when the CLI is
 * installed. Strict JSON, `mcpServers`; Cline reloads the file as soon as it changes.
 */
export const host: Host.Host = {
  id: 'cline',
  title: 'Cline',
  key: 'mcpServers',
  jsonc: false,
  files(where) {
    const installed = editors.filter((editor) => where.exists(storage(where, editor)))
    const extensionFiles = (installed.length > 0 ? installed : ['Code']).map((editor) => Host.join(where, storage(where, editor), 'settings', 'cline_mcp_settings.json'))
    return where.exists(cli(where)) ? [...extensionFiles, Host.join(where, cli(where), 'data', 'settings', 'cline_mcp_settings.json')] : extensionFiles
  },
  // The extension's storage in an editor, or the CLI's folder: its settings folder comes later.
  installed: (where) => editors.some((editor) => where.exists(storage(where, editor))) || where.exists(cli(where)),
  // Cline gives up on a call after its per-server timeout (60 s unless set): too short for an approval.
  entry: (stdio: Entry.Stdio) => ({ ...stdio, disabled: false, autoApprove: [], timeout: Entry.callTimeoutSeconds }),
  preferences: ['disabled', 'autoApprove'],
}
