// The Servers screen end to end, in Chromium on the page the daemon serves: a paid call through the
// built bridge to the real paid server on anvil shows up under its server, with the host entries that
// reach it; "Route through Allowance" and "Add a server to a host" rewrite the fixture hosts' files
// as `allowance install` does, and say when the host must be restarted. With ALLOWANCE_SCREENSHOTS=1
// the screen's screenshot goes to docs/servers.png.
import { mkdirSync, readdirSync, readFileSync, writeFileSync } from 'node:fs'
import { dirname, join } from 'node:path'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openPage, screenshot, type Browser } from '../helpers/browser.js'
import { ok } from '../helpers/cli.js'
import { temporaryHome } from '../helpers/processes.js'
import { accounts } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig
let browser: Browser
let page: Page
const hostsHome = temporaryHome()
const cursorFile = join(hostsHome.home, '.cursor', 'mcp.json')
const desktopFile = join(hostsHome.home, '.config', 'Claude', 'claude_desktop_config.json')

const hostPanel = (title: string) => page.getByRole('article', { name: title, exact: true })
const entryRow = (title: string, name: string) => hostPanel(title).getByRole('row').filter({ has: page.getByRole('rowheader', { name, exact: true }) })
const notice = () => page.getByRole('status').filter({ hasText: /\S/ })
const backups = (path: string) => readdirSync(dirname(path)).filter((name) => name.startsWith('mcp.json.allowance-backup-') || name.startsWith('claude_desktop_config.json.allowance-backup-'))

function write(path: string, text: string): void {
  mkdirSync(dirname(path), { recursive: true })
  writeFileSync(path, text)
}

beforeAll(async () => {
  // The daemon (started by the rig) looks for hosts' files in this stand-in home.
  process.env.ALLOWANCE_HOSTS_HOME = hostsHome.home
  rig = await startRig()
  write(
    cursorFile,
    `{\n    "mcpServers": {\n        "paid": { "url": "${rig.server.url}", "headers": { "X-Team": "docs" } },\n        "notes": { "command": "npx", "args": ["-y", "notes-mcp"] },\n        "github": { "command": "npx", "args": ["-y", "github-mcp", "--token", "ghp_xxx"] }\n    },\n    "theme": "dark"\n}\n`,
  )
  write(desktopFile, '{ "mcpServers": {}, "globalShortcut": "Alt+Space" }')
  await ok(rig.home, ['rules', 'add', 'auto-approve', '0.05', '--server', rig.server.url, '--recipient', accounts.recipient.address, '--force'])
  const paid = await rig.client.callTool({ name: 'search', arguments: { query: 'servers screen' } })
  expect(paid.isError).toBeFalsy()
  browser = await openPage(rig.daemon.ui, { width: 1200, height: 1100 })
  page = browser.page
  await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Servers', exact: true }).click()
  await page.getByRole('heading', { name: 'Agent hosts' }).waitFor()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await rig?.stop()
  delete process.env.ALLOWANCE_HOSTS_HOME
  hostsHome.remove()
})

describe('Servers', () => {
  it('lists the paid server with its payment, and the host entries that reach it', async () => {
    const server = page.getByRole('article', { name: new URL(rig.server.url).host })
    await server.getByText(/^1 payment · paid \$0\.01$/).waitFor()
    await server.getByText('Used by Cursor ("paid", directly)').waitFor()
    await server.getByRole('table', { name: /^Last payments to / }).getByRole('cell', { name: 'search', exact: true }).waitFor()
    expect(await entryRow('Cursor', 'notes').textContent()).toContain('Local, not paid')
    expect(await entryRow('Cursor', 'notes').getByRole('button').count()).toBe(0)
    await page.getByText(/^Not found here: Claude Code, VS Code, Windsurf, Cline, Zed\.$/).waitFor()
  })

  it("shows a local entry's command without the secret in its arguments", async () => {
    expect(await entryRow('Cursor', 'github').getByRole('cell').first().textContent()).toBe('npx -y github-mcp --token ••••')
    expect(await page.content()).not.toContain('ghp_xxx')
    expect(JSON.stringify((await rig.daemon.api('GET', '/api/servers')).body)).not.toContain('ghp_xxx')
  })

  it('routes the Cursor entry through Allowance: the file changes, with a backup, and the rest of it stays', async () => {
    const before = readFileSync(cursorFile, 'utf8')
    await entryRow('Cursor', 'paid').getByRole('button', { name: 'Route through Allowance' }).click()
    await notice().filter({ hasText: `Routed "paid" in Cursor: ${cursorFile}` }).waitFor()
    await entryRow('Cursor', 'paid').getByText('Through Allowance').waitFor()

    const config = JSON.parse(readFileSync(cursorFile, 'utf8'))
    expect(config.mcpServers.paid).toEqual({
      command: process.execPath,
      args: [expect.stringMatching(/allowance\.js$/), 'bridge', rig.server.url, '--header', 'X-Team: docs'],
      env: { ALLOWANCE_MANAGED: '1', ALLOWANCE_HOME: rig.home },
    })
    expect(config.mcpServers.notes).toEqual({ command: 'npx', args: ['-y', 'notes-mcp'] })
    expect(config.mcpServers.github.args).toEqual(['-y', 'github-mcp', '--token', 'ghp_xxx'])
    expect(config.theme).toBe('dark')
    expect(backups(cursorFile).map((name) => readFileSync(join(dirname(cursorFile), name), 'utf8'))).toEqual([before])
    await page.getByRole('article', { name: new URL(rig.server.url).host }).getByText('Used by Cursor ("paid")').waitFor()
  })

  it('adds a server to Claude Desktop and says to restart it; a literal secret is refused and nothing is written', async () => {
    const form = page.getByRole('region', { name: 'Add a server to a host' })
    await form.getByLabel('Host').selectOption({ label: 'Claude Desktop' })
    await form.getByLabel('Name').fill('search')
    await form.getByLabel('Server URL').fill(rig.server.url)
    await form.getByLabel('Header (optional)').fill('Authorization: Bearer sk-live-123')
    await form.getByRole('button', { name: 'Add server' }).click()
    await page.getByRole('alert').filter({ hasText: 'looks like a secret' }).waitFor()
    expect(readFileSync(desktopFile, 'utf8')).toBe('{ "mcpServers": {}, "globalShortcut": "Alt+Space" }')

    await form.getByLabel('Header (optional)').fill('Authorization: Bearer ${SEARCH_TOKEN}')
    await form.getByRole('button', { name: 'Add server' }).click()
    await notice().filter({ hasText: `Added "search" in Claude Desktop: ${desktopFile}` }).filter({ hasText: 'Quit and reopen Claude Desktop to load it.' }).waitFor()
    const config = JSON.parse(readFileSync(desktopFile, 'utf8'))
    expect(config.globalShortcut).toBe('Alt+Space')
    expect(config.mcpServers.search.args.slice(1)).toEqual(['bridge', rig.server.url, '--header', 'Authorization: Bearer ${SEARCH_TOKEN}'])
    expect(backups(desktopFile).map((name) => readFileSync(join(dirname(desktopFile), name), 'utf8'))).toEqual(['{ "mcpServers": {}, "globalShortcut": "Alt+Space" }'])
    await entryRow('Claude Desktop', 'search').getByText('Through Allowance').waitFor()
  })

  it('refuses, changing nothing: a file that is not the host\'s, a bad name, a local entry, an unknown host', async () => {
    const cursor = readFileSync(cursorFile, 'utf8')
    const outside = join(hostsHome.home, 'elsewhere.json')
    write(outside, '{ "mcpServers": { "x": { "url": "https://x.example/mcp" } } }')
    expect(await rig.daemon.api('POST', '/api/hosts/route', { host: 'cursor', name: 'x', file: outside })).toEqual({
      status: 400,
      body: { error: `${outside} is not a config file of Cursor.` },
    })
    expect((await rig.daemon.api('POST', '/api/hosts/route', { host: 'cursor', name: '../x', file: cursorFile })).body.error).toMatch(/^Invalid route: name: a server name has/)
    expect((await rig.daemon.api('POST', '/api/hosts/route', { host: 'cursor', name: 'notes', file: cursorFile })).body.error).toContain('Cursor has no remote server "notes"')
    expect((await rig.daemon.api('POST', '/api/hosts/add', { host: 'emacs', name: 'x', url: 'https://x.example/mcp' })).body.error).toMatch(/^Invalid server: host: the host is one of claude-desktop, /)
    expect(readFileSync(cursorFile, 'utf8')).toBe(cursor)
    expect(readFileSync(outside, 'utf8')).toBe('{ "mcpServers": { "x": { "url": "https://x.example/mcp" } } }')
  })

  it('checks the entries as the doctor does: the routed Cursor entry starts and its server answers', async () => {
    await page.getByRole('button', { name: 'Check now' }).click()
    const checks = page.getByRole('list', { name: 'Entry checks' })
    await checks.getByText(/^Cursor "paid": answered by .+ in \d+ ms$/).waitFor({ timeout: 20_000 })
    await screenshot(page, 'servers')
  })
})
