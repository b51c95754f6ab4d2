import * as Entry from './Entry.js'
import * as Host from './Host.js'

/** The VS Code family's folders under the app-data directory: Cline is an extension in any of them. */
const editors = ['Code', 'Code - Insiders', 'Cursor', 'VSCodium', 'Windsurf']

const extension = 'saoudrizwan.claude-dev'

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
    const storage = (editor: string) => Host.join(where, Host.appData(where), editor, 'User', 'globalStorage', extension)
    const installed = editors.filter((editor) => where.exists(storage(editor)))
    const extensionFiles = (installed.length > 0 ? installed : ['Code']).map((editor) => Host.join(where, storage(editor), 'settings', 'cline_mcp_settings.json'))
    const cli = Host.join(where, where.home, '.cline')
    return where.exists(cli) ? [...extensionFiles, Host.join(where, cli, 'data', 'settings', 'cline_mcp_settings.json')] : extensionFiles
  },
  // Cline gives up on a call after its per-server timeout (60 s unless set): too short for an approval.
  entry: (stdio: Entry.Stdio) => ({ ...stdio, disabled: false, autoApprove: [], timeout: Entry.callTimeoutSeconds }),
  preferences: ['disabled', 'autoApprove'],
}
