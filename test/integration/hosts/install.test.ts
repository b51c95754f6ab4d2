// `allowance install` and `uninstall` against fixture home directories holding the files hosts
// really write: other servers, comments where the host allows them, odd formatting.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, statSync, symlinkSync, writeFileSync } from 'node:fs'
import { basename, dirname, isAbsolute, join } from 'node:path'
import * as Jsonc from 'jsonc-parser'
import { afterEach, describe, expect, it, vi } from 'vitest'
import * as ClaudeDesktop from '../../../main/hosts/ClaudeDesktop.js'
import * as Cline from '../../../main/hosts/Cline.js'
import * as Entry from '../../../main/hosts/Entry.js'
import * as Windsurf from '../../../main/hosts/Windsurf.js'
import * as Zed from '../../../main/hosts/Zed.js'
import { cli, homes, ok } from '../../helpers/cli.js'
import { relayServer } from '../../helpers/servers.js'

const home = homes()
afterEach(() => vi.unstubAllEnvs())

type Fixture = { host: string; flags?: string[]; file: string; key: string; jsonc: boolean; text: string }

/** Each host's file as found on a user's machine; `file` is relative to the home (or the project). */
const fixtures: Fixture[] = [
  {
    host: 'claude-desktop',
    file: '.config/Claude/claude_desktop_config.json',
    key: 'mcpServers',
    jsonc: false,
    text: '{\n\t"isUsingBuiltInNodeForMcp": false,\n\t"mcpServers": {"filesystem": {"command": "npx", "args": ["-y", "@modelcontextprotocol/server-filesystem", "/Users/me/Desktop"]},\n\t\t"search": { "command": "npx", "args": ["mcp-remote", "https://search.example.com/mcp"] }}\n,"globalShortcut": "Alt+Space"}',
  },
  {
    host: 'cursor',
    file: '.cursor/mcp.json',
    key: 'mcpServers',
    jsonc: false,
    text: '{\r\n  "mcpServers": {\r\n    "github": { "url": "https://api.githubcopilot.com/mcp/", "headers": { "Authorization": "Bearer ${env:GITHUB_TOKEN}" } }\r\n  }\r\n}\r\n',
  },
  {
    host: 'vscode',
    file: '.config/Code/User/mcp.json',
    key: 'servers',
    jsonc: true,
    text: `// My MCP servers
{
  "inputs": [{ "type": "promptString", "id": "key", "description": "API key", "password": true }],
  "servers": {
    /* the one I use daily */
    "memory": { "type": "stdio", "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory"], },
    "search": { "type": "http", "url": "https://search.example.com/mcp", "headers": { "X-Key": "\${input:key}" } }, // remote
  },
}
`,
  },
  {
    host: 'vscode',
    flags: ['--workspace', 'project'],
    file: 'project/.vscode/mcp.json',
    key: 'servers',
    jsonc: true,
    text: '{\n    // shared with the team\n    "servers": {}\n}\n',
  },
  {
    host: 'claude-code',
    file: '.claude.json',
    key: 'mcpServers',
    jsonc: false,
    text: JSON.stringify(
      {
        numStartups: 42,
        projects: { '/home/me/repo': { mcpServers: { local: { type: 'stdio', command: 'node', args: ['server.js'] } }, allowedTools: [] } },
        mcpServers: { search: { type: 'http', url: 'https://search.example.com/mcp' } },
        oauthAccount: { emailAddress: 'me@example.com' },
      },
      null,
      2,
    ),
  },
  {
    host: 'claude-code',
    flags: ['--project', 'repo'],
    file: 'repo/.mcp.json',
    key: 'mcpServers',
    jsonc: false,
    text: '{"mcpServers":{"db":{"command":"/usr/local/bin/db-mcp","args":[],"env":{"DB_URL":"${DB_URL}"}}}}',
  },
  {
    host: 'windsurf',
    file: '.codeium/windsurf/mcp_config.json',
    key: 'mcpServers',
    jsonc: false,
    text: `{
    "mcpServers": {
        "search": {"serverUrl": "https://search.example.com/mcp", "headers": {"X-Key": "\${env:SEARCH_KEY}"}, "disabled": false},
        "git": {"command": "uvx", "args": ["mcp-server-git", "--repository", "/home/me/repo"], "disabled": true, "disabledTools": ["git_push"]}
    }
}`,
  },
  {
    host: 'cline',
    file: '.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json',
    key: 'mcpServers',
    jsonc: false,
    text: JSON.stringify(
      {
        mcpServers: {
          'github.com/modelcontextprotocol/servers/tree/main/src/github': {
            command: 'npx',
            args: ['-y', '@modelcontextprotocol/server-github'],
            env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${GITHUB_TOKEN}' },
            disabled: false,
            autoApprove: [],
          },
          search: { type: 'streamableHttp', url: 'https://search.example.com/mcp', disabled: false, autoApprove: ['search'], timeout: 60 },
        },
      },
      null,
      2,
    ),
  },
  {
    host: 'zed',
    file: '.config/zed/settings.json',
    key: 'context_servers',
    jsonc: true,
    text: `// Zed settings
//
// For information on how to configure Zed, see the Zed
// documentation: https://zed.dev/docs/configuring-zed
{
  "theme": { "mode": "system", "light": "One Light", "dark": "One Dark" },
  "ui_font_size": 16,
  "context_servers": {
    // local
    "postgres": { "command": "/usr/local/bin/postgres-mcp", "args": ["postgresql://localhost/db"], "env": {} },
    "search": { "url": "https://search.example.com/mcp", "headers": { "Authorization": "Bearer sk-live-search-123" }, "enabled": true, },
  },
  "buffer_font_size": 15,
}
`,
  },
  // No servers map yet, Windows line endings, a trailing comma and a comment on the last line.
  {
    host: 'zed',
    file: '.config/zed/settings.json',
    key: 'context_servers',
    jsonc: true,
    text: '// Zed settings\r\n{\r\n  "theme": "One Dark",\r\n  "vim_mode": true, // for now\r\n}\r\n',
  },
  // One line with blanks inside, and odd indentation.
  { host: 'cursor', file: '.cursor/mcp.json', key: 'mcpServers', jsonc: false, text: '{ "mcpServers": { "docs": { "url": "https://docs.example.com/mcp" } } }\n' },
  {
    host: 'windsurf',
    file: '.codeium/windsurf/mcp_config.json',
    key: 'mcpServers',
    jsonc: false,
    text: '{\n      "mcpServers": {\n   "git": {"command": "uvx", "args": ["mcp-server-git"]}\n      }\n}',
  },
  { host: 'claude-desktop', file: '.config/Claude/claude_desktop_config.json', key: 'mcpServers', jsonc: false, text: '{\n    "globalShortcut": "Alt+Space"\n}\n' },
]

/** A fixture home with the host's file written; the CLI is pointed at it. */
async function fixtureHome(fixture: Fixture): Promise<{ dataHome: string; hostsHome: string; path: string }> {
  const dataHome = await home()
  const hostsHome = join(dataHome, 'user')
  const path = join(hostsHome, fixture.file)
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, fixture.text)
  vi.stubEnv('ALLOWANCE_HOSTS_HOME', hostsHome)
  return { dataHome, hostsHome, path }
}

function parse(text: string, jsonc: boolean): any {
  const errors: Jsonc.ParseError[] = []
  const value = Jsonc.parse(text, errors, { disallowComments: !jsonc, allowTrailingComma: jsonc })
  expect(errors).toEqual([])
  return value
}

/** The fixture's comments (not the `//` of its URLs). */
const comments = (fixture: Fixture) => (fixture.jsonc ? (fixture.text.match(/(?<!:)\/\/[^\r\n]*|\/\*.*?\*\//g) ?? []) : [])

/**
 * What was added to `before` to make `after`, when adding was all that happened: one stretch of
 * text, or a comma after the previous value and then one stretch (what lies between unchanged).
 */
function added(before: string, after: string): string | undefined {
  let start = 0
  while (start < before.length && before[start] === after[start]) start++
  let tail = 0
  while (tail < before.length - start && before.at(-1 - tail) === after.at(-1 - tail)) tail++
  const removed = before.slice(start, before.length - tail)
  const inserted = after.slice(start, after.length - tail)
  if (removed === '') return inserted
  return inserted.startsWith(`,${removed}`) ? `,${inserted.slice(removed.length + 1)}` : undefined
}

const backups = (path: string) => readdirSync(dirname(path)).filter((name) => name.startsWith(`${basename(path)}.allowance-backup-`))

/** Flags are given relative to the fixture home, as a user in that directory would. */
const flagsIn = (hostsHome: string, flags: string[] = []) => flags.map((flag) => (flag.startsWith('--') ? flag : join(hostsHome, flag)))

describe.each(fixtures)('allowance install $host → $file', (fixture) => {
  const url = 'https://search.example.com/mcp'

  it('adds only the bridge entry, backs up, changes nothing twice, and uninstalls back to the original byte for byte', async () => {
    const { dataHome, hostsHome, path } = await fixtureHome(fixture)
    const before = parse(fixture.text, fixture.jsonc)
    const scope = flagsIn(hostsHome, fixture.flags)
    const install = ['install', fixture.host, 'paid', url, '--header', 'X-Api-Key: ${SEARCH_KEY}', ...scope]

    expect(await ok(dataHome, install)).toContain(`Installed "paid"`)
    const installed = readFileSync(path, 'utf8')
    const after = parse(installed, fixture.jsonc)
    const entry = after[fixture.key].paid
    expect(entry).toMatchObject({ command: process.execPath, args: [expect.any(String), 'bridge', url, '--header', 'X-Api-Key: ${SEARCH_KEY}'], env: { ALLOWANCE_MANAGED: '1' } })
    expect(isAbsolute(entry.args[0]) && entry.args[0].endsWith(join('dist', 'allowance.js'))).toBe(true)
    if (fixture.key === 'servers') expect(entry.type).toBe('stdio')
    // The file differs from the original only by the entry (and the comma before it), in the file's own line endings.
    const addition = added(fixture.text, installed)
    expect(addition).toBeDefined()
    const property = parse(`{${addition!.replace(/^[\s,]+|[\s,]+$/g, '')}}`, false)
    expect(property).toEqual(before[fixture.key] ? { paid: entry } : { [fixture.key]: { paid: entry } })
    if (fixture.text.includes('\r\n')) expect(installed.replace(/\r\n/g, '')).not.toContain('\n')
    expect(backups(path).map((name) => readFileSync(join(dirname(path), name), 'utf8'))).toEqual([fixture.text])

    expect(await ok(dataHome, install)).toContain('unchanged')
    expect(readFileSync(path, 'utf8')).toBe(installed)
    expect(backups(path)).toHaveLength(1)

    expect(await ok(dataHome, ['uninstall', fixture.host, 'paid', ...scope])).toContain(`Removed "paid"`)
    expect(readFileSync(path, 'utf8')).toBe(fixture.text)
    expect(backups(path)).toHaveLength(2)
    expect(await ok(dataHome, ['uninstall', fixture.host, 'paid', ...scope])).not.toContain('Removed')
    expect(readFileSync(path, 'utf8')).toBe(fixture.text)
  })

  it('replaces an entry of the same name, and uninstall puts it back byte for byte', async () => {
    const { dataHome, hostsHome, path } = await fixtureHome(fixture)
    const name = Object.keys(parse(fixture.text, fixture.jsonc)[fixture.key] ?? {}).at(-1) ?? 'search'
    expect(await ok(dataHome, ['install', fixture.host, name, url, ...flagsIn(hostsHome, fixture.flags)])).toContain(`Installed "${name}"`)
    expect(parse(readFileSync(path, 'utf8'), fixture.jsonc)[fixture.key][name].args.slice(1)).toEqual(['bridge', url])
    await ok(dataHome, ['uninstall', fixture.host, name, ...flagsIn(hostsHome, fixture.flags)])
    expect(readFileSync(path, 'utf8')).toBe(fixture.text)
  })
})

describe('allowance install', () => {
  it('creates no file for a host that is not installed, unless --create', async () => {
    const dataHome = await home()
    const hostsHome = join(dataHome, 'user')
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', hostsHome)
    const path = join(hostsHome, '.config', 'zed', 'settings.json')
    const install = ['install', 'zed', 'search', 'https://search.example.com/mcp']
    const refused = await cli(dataHome, install)
    expect(refused).toMatchObject({ code: 1, stdout: '' })
    expect(refused.stderr).toBe(`allowance: Zed does not look installed on this machine, so nothing was written; open it once, or add --create to write ${path} anyway.\n`)
    expect(existsSync(join(hostsHome, '.config'))).toBe(false)
    // Claude Code keeps its file in the home folder: only that file or ~/.claude tells it ran.
    expect((await cli(dataHome, ['install', 'claude-code', 'search', 'https://search.example.com/mcp'])).stderr).toContain('Claude Code does not look installed')
    expect(existsSync(join(hostsHome, '.claude.json'))).toBe(false)

    expect(await ok(dataHome, [...install, '--create'])).toContain(`Installed "search" in Zed: ${path}`)
    expect(parse(readFileSync(path, 'utf8'), true).context_servers.search.args.slice(1)).toEqual(['bridge', 'https://search.example.com/mcp'])
  })

  it('creates a missing file where the host is installed, and uninstall leaves an entry it did not write', async () => {
    const dataHome = await home()
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', join(dataHome, 'user'))
    mkdirSync(join(dataHome, 'user', '.cursor'), { recursive: true }) // Cursor made its folder when it first ran
    await ok(dataHome, ['install', 'cursor', 'local', '--stdio', '--', 'node', 'server.js', '--port', '3000'])
    const path = join(dataHome, 'user', '.cursor', 'mcp.json')
    const entry = JSON.parse(readFileSync(path, 'utf8')).mcpServers.local
    expect(entry.args.slice(1)).toEqual(['bridge', '--stdio', '--', 'node', 'server.js', '--port', '3000'])
    expect(backups(path)).toEqual([])

    writeFileSync(path, JSON.stringify({ mcpServers: { local: { command: 'node', args: ['mine.js'] } } }))
    expect(await ok(dataHome, ['uninstall', 'cursor', 'local'])).toContain('not installed by Allowance')
    expect(JSON.parse(readFileSync(path, 'utf8')).mcpServers.local.args).toEqual(['mine.js'])
  })

  it('keeps the newest 3 backups of a file', async () => {
    const { dataHome, path } = await fixtureHome(fixtures[1]!)
    const versions = [fixtures[1]!.text]
    for (const name of ['a', 'b', 'c', 'd', 'e']) {
      await ok(dataHome, ['install', 'cursor', name, `https://${name}.example.com/mcp`])
      versions.push(readFileSync(path, 'utf8'))
    }
    const kept = backups(path).sort()
    expect(kept.map((name) => readFileSync(join(dirname(path), name), 'utf8'))).toEqual(versions.slice(2, 5))
  })

  it('refuses a literal secret, a broken file and a scope flag of another host, writing nothing', async () => {
    const dataHome = await home()
    const path = join(dataHome, 'user', '.cursor', 'mcp.json')
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', join(dataHome, 'user'))
    mkdirSync(dirname(path), { recursive: true })
    const secret = await cli(dataHome, ['install', 'cursor', 's', 'https://a.example/mcp', '--header', 'Authorization: Bearer sk-live-123'])
    expect(secret).toMatchObject({ code: 2, stderr: expect.stringContaining('looks like a secret') })
    expect(existsSync(path)).toBe(false)

    writeFileSync(path, '{ "mcpServers": { // not JSON\n } }')
    expect(await cli(dataHome, ['install', 'cursor', 's', 'https://a.example/mcp'])).toMatchObject({ code: 1, stderr: expect.stringContaining('fix it by hand') })
    expect(backups(path)).toEqual([])
    expect((await cli(dataHome, ['install', 'cursor', 's', 'https://a.example/mcp', '--workspace', '.'])).stderr).toContain('--workspace is not an option for cursor')
  })

  it('writes both Claude Desktop files on Windows when the MSIX build is installed', () => {
    const where = { home: 'C:\\Users\\me', env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, platform: 'win32' as const, directory: undefined }
    expect(ClaudeDesktop.host.files({ ...where, exists: () => false })).toEqual(['C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json'])
    expect(ClaudeDesktop.host.files({ ...where, exists: (path) => path.endsWith('Claude_pzs8sxrjxfjjc') })).toEqual([
      'C:\\Users\\me\\AppData\\Roaming\\Claude\\claude_desktop_config.json',
      'C:\\Users\\me\\AppData\\Local\\Packages\\Claude_pzs8sxrjxfjjc\\LocalCache\\Roaming\\Claude\\claude_desktop_config.json',
    ])
    expect(ClaudeDesktop.host.files({ ...where, platform: 'darwin', home: '/Users/me', exists: () => true })).toEqual([
      '/Users/me/Library/Application Support/Claude/claude_desktop_config.json',
    ])
  })

  it('finds Windsurf, Cline and Zed files on each OS', () => {
    const windows = { home: 'C:\\Users\\me', env: { APPDATA: 'C:\\Users\\me\\AppData\\Roaming' }, platform: 'win32' as const, directory: undefined, exists: () => false }
    const mac = { home: '/Users/me', env: {}, platform: 'darwin' as const, directory: undefined, exists: () => false }
    const linux = { home: '/home/me', env: { XDG_CONFIG_HOME: '/home/me/.xdg' }, platform: 'linux' as const, directory: undefined, exists: () => false }

    expect(Windsurf.host.files(windows)).toEqual(['C:\\Users\\me\\.codeium\\windsurf\\mcp_config.json'])
    expect(Windsurf.host.files({ ...mac, exists: (path) => path === '/Users/me/.codeium/mcp_config.json' })).toEqual([
      '/Users/me/.codeium/windsurf/mcp_config.json',
      '/Users/me/.codeium/mcp_config.json',
    ])

    const cline = 'User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json'
    expect(Cline.host.files(mac)).toEqual([`/Users/me/Library/Application Support/Code/${cline}`])
    expect(Cline.host.files(windows)).toEqual([`C:\\Users\\me\\AppData\\Roaming\\Code\\${cline.replace(/\//g, '\\')}`])
    const installedIn = (path: string) => /\/(Cursor|VSCodium)\/User\/globalStorage\/saoudrizwan\.claude-dev$/.test(path) || path === '/home/me/.cline'
    expect(Cline.host.files({ ...linux, exists: installedIn })).toEqual([
      `/home/me/.xdg/Cursor/${cline}`,
      `/home/me/.xdg/VSCodium/${cline}`,
      '/home/me/.cline/data/settings/cline_mcp_settings.json',
    ])

    expect(Zed.host.files(windows)).toEqual(['C:\\Users\\me\\AppData\\Roaming\\Zed\\settings.json'])
    expect(Zed.host.files(mac)).toEqual(['/Users/me/.config/zed/settings.json'])
    expect(Zed.host.files({ ...linux, exists: (path) => path.endsWith('dev.zed.Zed/config/zed') })).toEqual([
      '/home/me/.xdg/zed/settings.json',
      '/home/me/.var/app/dev.zed.Zed/config/zed/settings.json',
    ])
  })

  it('installs into Cline in every editor that has it, and keeps what the user switched on the entry', async () => {
    const dataHome = await home()
    const hostsHome = join(dataHome, 'user')
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', hostsHome)
    const storage = (editor: string) => join(hostsHome, '.config', editor, 'User', 'globalStorage', 'saoudrizwan.claude-dev')
    for (const editor of ['Code', 'Cursor']) mkdirSync(storage(editor), { recursive: true })
    const install = ['install', 'cline', 'search', 'https://search.example.com/mcp']
    expect(await ok(dataHome, install)).toMatch(/Installed "search" in Cline: .*Code.*\n.*Installed "search" in Cline: .*Cursor/s)
    const path = join(storage('Cursor'), 'settings', 'cline_mcp_settings.json')
    const settings = JSON.parse(readFileSync(path, 'utf8'))
    expect(settings.mcpServers.search).toMatchObject({ disabled: false, autoApprove: [], timeout: 300 })

    settings.mcpServers.search = { ...settings.mcpServers.search, disabled: true, autoApprove: ['search'] }
    writeFileSync(path, JSON.stringify(settings, null, 2))
    expect(await ok(dataHome, install)).not.toContain('Installed')
    expect(JSON.parse(readFileSync(path, 'utf8')).mcpServers.search).toMatchObject({ disabled: true, autoApprove: ['search'] })
  })

  it('writes an entry that a host can launch as it stands, from any directory', async () => {
    const server = await relayServer()
    const dataHome = await home()
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', join(dataHome, 'user'))
    await ok(dataHome, ['install', 'claude-desktop', 'relay', server.url, '--create'])
    const entry = JSON.parse(readFileSync(join(dataHome, 'user', '.config', 'Claude', 'claude_desktop_config.json'), 'utf8')).mcpServers.relay
    // As Claude Desktop does: its own working directory and a bare PATH, plus the entry's env.
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { PATH: '/usr/bin:/bin', ...entry.env }, cwd: '/', stderr: 'pipe' })
    const client = new Client({ name: 'claude-ai', version: '1.0.0' })
    try {
      await client.connect(transport)
      expect(client.getServerVersion()?.name).toBeTruthy()
    } finally {
      await client.close()
      await server.stop()
    }
  })
})

describe('allowance install --wrap', () => {
  const cases = [
    { fixture: fixtures[0]!, name: 'search', url: 'https://search.example.com/mcp', headers: [] },
    { fixture: fixtures[1]!, name: 'github', url: 'https://api.githubcopilot.com/mcp/', headers: ['Authorization: Bearer ${env:GITHUB_TOKEN}'] },
    { fixture: fixtures[2]!, name: 'search', url: 'https://search.example.com/mcp', headers: ['X-Key: ${input:key}'] },
    { fixture: fixtures[4]!, name: 'search', url: 'https://search.example.com/mcp', headers: [] },
    // Windsurf's remote key is serverUrl; its own switches on the entry stay.
    { fixture: fixtures[6]!, name: 'search', url: 'https://search.example.com/mcp', headers: ['X-Key: ${env:SEARCH_KEY}'], entry: { disabled: false } },
    // Cline keeps the tools the user auto-approved, and waits long enough for an approval.
    { fixture: fixtures[7]!, name: 'search', url: 'https://search.example.com/mcp', headers: [], entry: { autoApprove: ['search'], disabled: false, timeout: 300 } },
    // Zed's literal token moves off the command line into the entry's env.
    {
      fixture: fixtures[8]!,
      name: 'search',
      url: 'https://search.example.com/mcp',
      headers: ['Authorization: ${ALLOWANCE_HEADER_AUTHORIZATION}'],
      entry: { enabled: true, timeout: 300, env: { ALLOWANCE_HEADER_AUTHORIZATION: 'Bearer sk-live-search-123', ALLOWANCE_MANAGED: '1' } },
    },
  ]
  it.each(cases)('routes $fixture.host "$name" through Allowance with its headers, and uninstall puts it back', async ({ fixture, name, url, headers, entry }) => {
    const { dataHome, path } = await fixtureHome(fixture)
    const before = parse(fixture.text, fixture.jsonc)
    expect(await ok(dataHome, ['install', '--wrap', fixture.host, name])).toContain(`Routed "${name}"`)
    const after = parse(readFileSync(path, 'utf8'), fixture.jsonc)
    expect(after[fixture.key][name].args.slice(1)).toEqual(['bridge', url, ...headers.flatMap((header) => ['--header', header])])
    expect(after[fixture.key][name]).toMatchObject(entry ?? {})
    for (const comment of comments(fixture)) expect(readFileSync(path, 'utf8')).toContain(comment)
    expect(await ok(dataHome, ['install', '--wrap', fixture.host, name])).toContain('already goes through Allowance')
    expect(backups(path)).toHaveLength(1)
    await ok(dataHome, ['uninstall', fixture.host, name])
    expect(readFileSync(path, 'utf8')).toBe(fixture.text)
    expect(parse(readFileSync(path, 'utf8'), fixture.jsonc)).toEqual(before)
  })

  it('routes a local server through allowance bridge --stdio with its env and cwd, a host launches it, and uninstall puts it back', async () => {
    const dataHome = await home()
    const hostsHome = join(dataHome, 'user')
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', hostsHome)
    // The relay server the tests run as a local process, started from its own folder with a variable it needs.
    const path = join(hostsHome, 'repo', '.mcp.json')
    const text = `{"mcpServers":{"local":{"command":"${process.execPath}","args":["relayServer.js","stdio"],"cwd":"${join(process.cwd(), 'dist', 'fixtures', 'servers')}","env":{"RELAY_SERVER_NAME":"wrapped"}}}}\n`
    mkdirSync(dirname(path), { recursive: true })
    writeFileSync(path, text)
    const scope = ['--project', join(hostsHome, 'repo')]
    const missing = await cli(dataHome, ['install', '--wrap', 'claude-code', 'nope', ...scope])
    expect(missing).toMatchObject({ code: 1, stderr: `allowance: Claude Code has no server "nope" (an entry with a url, a serverUrl or a command) in ${path}.\n` })
    expect(readFileSync(path, 'utf8')).toBe(text)
    expect(await ok(dataHome, ['install', '--wrap', 'claude-code', 'local', ...scope])).toContain('Routed "local"')
    const entry = JSON.parse(readFileSync(path, 'utf8')).mcpServers.local
    expect(entry).toMatchObject({
      type: 'stdio',
      command: process.execPath,
      args: [expect.stringMatching(/allowance\.js$/), 'bridge', '--stdio', '--', process.execPath, 'relayServer.js', 'stdio'],
      cwd: join(process.cwd(), 'dist', 'fixtures', 'servers'),
      env: { RELAY_SERVER_NAME: 'wrapped', ALLOWANCE_MANAGED: '1' },
    })

    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { PATH: '/usr/bin:/bin', ...entry.env }, cwd: entry.cwd, stderr: 'pipe' })
    const client = new Client({ name: 'claude-code', version: '1.0.0' })
    try {
      await client.connect(transport)
      expect(client.getServerVersion()?.name).toBe('wrapped')
    } finally {
      await client.close()
    }
    await ok(dataHome, ['uninstall', 'claude-code', 'local', ...scope])
    expect(readFileSync(path, 'utf8')).toBe(text)
  })
})

describe("the desktop app's entries", () => {
  const electron = { ...process.versions, electron: '45.6.1' }
  /** A packaged app's resources folder: the Node runtime it ships (this Node, linked) and its bridge bundle. */
  const resources = (directory: string, node: 'link' | 'stand-in' = 'link') => {
    mkdirSync(join(directory, 'runtime'), { recursive: true })
    mkdirSync(join(directory, 'bridge'))
    if (node === 'link') symlinkSync(process.execPath, join(directory, 'runtime', 'node'))
    else writeFileSync(join(directory, 'runtime', 'node'), 'a Node runtime')
    copyFileSync(join('out', 'bridge', 'allowance.mjs'), join(directory, 'bridge', 'allowance.mjs'))
    return directory
  }
  const app = (resourcesPath: string | undefined, env: NodeJS.ProcessEnv = {}): Entry.Process => ({
    versions: electron,
    execPath: '/opt/Allowance/allowance-desktop',
    script: undefined,
    resourcesPath,
    env,
    platform: 'linux',
  })

  it('packaged: runs the bridge bundle on the Node runtime the app ships, never Electron as Node, and names the app to open', async () => {
    const folder = resources(join(await home(), 'resources'))
    const runtime = Entry.here(app(folder))
    expect(runtime).toEqual({ node: join(folder, 'runtime', 'node'), script: join(folder, 'bridge', 'allowance.mjs'), env: { ALLOWANCE_APP: '/opt/Allowance/allowance-desktop' } })
    const entry = Entry.bridge(['https://a.example/mcp'], {}, runtime)
    expect(entry).toEqual({
      command: join(folder, 'runtime', 'node'),
      args: [join(folder, 'bridge', 'allowance.mjs'), 'bridge', 'https://a.example/mcp'],
      env: { ALLOWANCE_MANAGED: '1', ALLOWANCE_APP: '/opt/Allowance/allowance-desktop' },
    })
    expect(JSON.stringify(entry)).not.toContain('ELECTRON_RUN_AS_NODE')
    expect(Entry.bridgeArguments(entry)).toEqual(['https://a.example/mcp'])
    expect(Entry.throughAllowance(entry)).toBe(true)
  })

  it('an AppImage: copies the runtime and the bundle to the data directory, whose copies outlive the mount and its updates', async () => {
    const dataHome = await home()
    const folder = resources(join(dataHome, 'mount', 'resources'), 'stand-in')
    const env = { ALLOWANCE_HOME: dataHome, APPIMAGE: '/home/me/Apps/Allowance.AppImage' }
    const runtime = Entry.here(app(folder, env))
    const staged = join(dataHome, 'bridge-runtime')
    expect(runtime).toEqual({ node: join(staged, 'node'), script: join(staged, 'allowance.mjs'), env: { ALLOWANCE_APP: '/home/me/Apps/Allowance.AppImage' } })
    expect(readFileSync(join(staged, 'node'), 'utf8')).toBe('a Node runtime')
    expect(statSync(join(staged, 'node')).mode & 0o111).not.toBe(0)
    writeFileSync(join(folder, 'runtime', 'node'), 'the next version')
    Entry.here(app(folder, env))
    expect(readFileSync(join(staged, 'node'), 'utf8')).toBe('the next version')
  })

  it('from a checkout: the Node that `npm start` started it with, on the CLI bundle; without one it says how to start it', () => {
    const checkout = app(undefined, { ALLOWANCE_NODE: '/usr/local/bin/node' })
    expect(Entry.here(checkout)).toEqual({ node: '/usr/local/bin/node', script: join(process.cwd(), 'dist', 'allowance.js') })
    expect(() => Entry.here(app(join(process.cwd(), 'node_modules', 'electron', 'dist', 'resources')))).toThrow(/npm start/)
  })

  it("a packaged app's entry relays as a host launches it, with no Node on the PATH and no node_modules beside the bundle", async () => {
    const server = await relayServer()
    const folder = resources(join(await home(), 'resources'))
    const entry = Entry.bridge([server.url], {}, Entry.here(app(folder)))
    const transport = new StdioClientTransport({ command: entry.command, args: entry.args, env: { PATH: '/nonexistent', ...entry.env }, cwd: '/', stderr: 'pipe' })
    const client = new Client({ name: 'claude-ai', version: '1.0.0' })
    try {
      await client.connect(transport)
      expect((await client.listTools()).tools.length).toBeGreaterThan(0)
    } finally {
      await client.close()
      await server.stop()
    }
  })
})
