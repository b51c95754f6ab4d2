// The bridge against servers on both MCP eras: the SDK v2 test server in each mode it offers, over
// HTTP and stdio, with the host an SDK v1 client on stdio as real hosts are. Whatever the
// upstream's era, the host speaks 2025 and gets everything: tools, input rounds turned into its own
// elicitation and sampling requests, resources, prompts, progress, list changes, resource updates.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
  type CallToolResult,
} from '@modelcontextprotocol/sdk/types.js'
import { mkdtempSync, readFileSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostWithBridge } from '../../helpers/bridge.js'
import { stopAll, temporaryHome } from '../../helpers/processes.js'
import { modernServer, modernStats, type ModernMode, type ModernStats, type ModernStdioMode, type RunningServer } from '../../helpers/servers.js'

afterAll(stopAll)

const greeting = 'info://greeting'
const textOf = (result: unknown) => (result as CallToolResult).content.map((block) => (block.type === 'text' ? block.text : '')).join('')

type Upstream = { args: string[]; stats(): Promise<ModernStats>; stop(): Promise<void> }

async function httpUpstream(mode: ModernMode): Promise<Upstream> {
  const server: RunningServer = await modernServer(mode)
  return { args: [server.url], stats: () => modernStats(server), stop: () => server.stop() }
}

function stdioUpstream(mode: ModernStdioMode): Upstream {
  const directory = mkdtempSync(join(tmpdir(), 'eras-stats-'))
  const file = join(directory, 'stats.json')
  return {
    // The stats file names the server process by the bridge's command line, nothing else.
    args: ['--stdio', '--', 'env', `STATS_FILE=${file}`, process.execPath, 'dist/fixtures/servers/modernServer.js', mode],
    stats: async () => JSON.parse(readFileSync(file, 'utf8')) as ModernStats,
    stop: async () => rmSync(directory, { recursive: true, force: true }),
  }
}

/** A host as real ones are: the SDK v1 client, declaring elicitation and sampling, answering both. */
async function host(upstream: Upstream, home: string, options: { elicitation?: 'accept' | 'refuse' | 'undeclared' } = {}) {
  const elicitation = options.elicitation ?? 'accept'
  const capabilities = elicitation === 'undeclared' ? { sampling: {} } : { sampling: {}, elicitation: { form: {} } }
  const connected = await hostWithBridge(upstream.args, home, { capabilities })
  const asked: string[] = []
  if (elicitation !== 'undeclared') {
    connected.client.setRequestHandler(ElicitRequestSchema, async (request) => {
      if (elicitation === 'refuse') throw new Error('this host does not ask its user')
      const message = (request.params as { message: string }).message
      asked.push(message)
      if (message === 'What is your name?') return { action: 'accept', content: { name: 'Ada' } }
      if (message.startsWith('Which colour')) return { action: 'accept', content: { colour: 'teal' } }
      return { action: 'accept', content: { more: 'yes' } }
    })
  }
  connected.client.setRequestHandler(CreateMessageRequestSchema, async () => ({ role: 'assistant', model: 'host-model', content: { type: 'text', text: 'short and sweet' } }))
  return { ...connected, asked }
}

const cases: { name: string; era: 'modern' | 'legacy'; upstream: () => Promise<Upstream> | Upstream }[] = [
  { name: 'a modern-only server over HTTP', era: 'modern', upstream: () => httpUpstream('modern') },
  { name: "the SDK's default dual-era server over HTTP", era: 'modern', upstream: () => httpUpstream('dual') },
  { name: 'a dual-era server with a stateful 2025 leg over HTTP', era: 'modern', upstream: () => httpUpstream('dual-stateful') },
  { name: 'a 2025-only server over HTTP', era: 'legacy', upstream: () => httpUpstream('legacy') },
  { name: 'a modern-only server on stdio', era: 'modern', upstream: () => stdioUpstream('stdio-modern') },
  { name: 'a dual-era server on stdio', era: 'modern', upstream: () => stdioUpstream('stdio-dual') },
  { name: 'a 2025-only server on stdio', era: 'legacy', upstream: () => stdioUpstream('stdio-legacy') },
]

describe.each(cases)('$name', ({ era, upstream: open }) => {
  const home = temporaryHome()
  let upstream: Upstream
  let client: Client
  let stderr: () => string
  let asked: string[]
  const updates: string[] = []
  let listChanges = 0

  beforeAll(async () => {
    upstream = await open()
    ;({ client, stderr, asked } = await host(upstream, home.home))
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri))
    client.setNotificationHandler(ToolListChangedNotificationSchema, () => void listChanges++)
  }, 30_000)

  afterAll(async () => {
    await client?.close()
    await upstream?.stop()
    home.remove()
  })

  it(`speaks the ${era} era upstream and 2025 to the host`, async () => {
    expect(client.getServerVersion()?.name).toBe('modern-test-server')
    expect(client.getServerCapabilities()?.tools).toBeDefined()
    const stats = await upstream.stats()
    if (era === 'modern') {
      expect(stderr()).toContain('(MCP 2026-07-28)')
      expect(stats.initialize).toBe(0)
    } else {
      expect(stderr()).toMatch(/speaking the 2025 era/)
      expect(stats.initialize).toBe(1)
    }
  })

  it("calls a plain tool, and the server hears the host's identity and capabilities on every modern request", async () => {
    expect(textOf(await client.callTool({ name: 'echo', arguments: { message: 'hi' } }))).toBe('Echo: hi')
    await client.ping()
    if (era !== 'modern') return
    const stats = await upstream.stats()
    expect(stats.envelopes.at(-1)).toMatchObject({
      method: 'tools/call',
      protocolVersion: '2026-07-28',
      clientInfo: { name: 'test-host', version: '9.9.9' },
      clientCapabilities: { sampling: {}, elicitation: { form: {} }, experimental: { payment: expect.any(Object) } },
    })
    if (stats.headers.length > 0) expect(stats.headers.at(-1)).toEqual({ method: 'tools/call', protocolVersion: '2026-07-28', mcpMethod: 'tools/call', mcpName: 'echo' })
  })

  it('mirrors a marked parameter into its Mcp-Param header on modern HTTP, whether or not the host listed the tools first', async () => {
    expect(textOf(await client.callTool({ name: 'regional', arguments: { region: 'eu-west', query: 'weather' } }))).toBe('weather from eu-west')
    await client.listTools()
    expect(textOf(await client.callTool({ name: 'regional', arguments: { region: 'Zürich ', query: 'snow' } }))).toBe('snow from Zürich ')
    const stats = await upstream.stats()
    if (era !== 'modern' || stats.headers.length === 0) return
    // Unlisted, the first call went without the header, was refused (HeaderMismatch), and was sent again with it.
    expect(stats.headers.filter((entry) => entry.mcpName === 'regional').map((entry) => entry.region ?? null)).toEqual([null, 'eu-west', '=?base64?WsO8cmljaCA=?='])
  })

  it("turns the server's requests for input into the host's elicitation and sampling, round after round", async () => {
    expect(textOf(await client.callTool({ name: 'ask_name', arguments: {} }))).toBe('Hello, Ada')
    expect(textOf(await client.callTool({ name: 'summarize', arguments: { text: 'a long story' } }))).toBe('Summary: short and sweet')
    expect(textOf(await client.callTool({ name: 'two_questions', arguments: {} }))).toBe('Ada likes teal')
    expect(asked.filter((message) => message === 'What is your name?').length).toBeGreaterThanOrEqual(2)
  })

  it('reads the resource and gets the prompt', async () => {
    expect((await client.readResource({ uri: greeting })).contents[0]).toMatchObject({ uri: greeting, text: 'Hello from the modern server' })
    expect((await client.getPrompt({ name: 'greet', arguments: { name: 'Ada' } })).messages[0]?.content).toEqual({ type: 'text', text: 'Please greet Ada.' })
  })

  it('relays every progress notification before its result, call after call', async () => {
    for (let run = 0; run < 10; run++) {
      const seen: number[] = []
      const result = await client.callTool({ name: 'progress_steps', arguments: { steps: 4 } }, undefined, { onprogress: (progress) => void seen.push(progress.progress) })
      expect(textOf(result)).toBe('Done in 4 steps')
      expect(seen).toEqual([1, 2, 3, 4])
    }
  })

  it('tells the host when the tool list changes, and the new tool can be called', async () => {
    const before = listChanges
    const added = textOf(await client.callTool({ name: 'add_tool', arguments: {} })).replace('Added ', '')
    await expect.poll(() => listChanges, { timeout: 10_000 }).toBeGreaterThan(before)
    expect((await client.listTools()).tools.map((tool) => tool.name)).toContain(added)
    expect(textOf(await client.callTool({ name: added, arguments: {} }))).toBe(`Extra tool ${added}`)
  })

  it('delivers updates of a resource the host subscribed to, and none after it unsubscribed', async () => {
    await client.setLoggingLevel('debug').catch(() => {}) // accepted on both eras, whatever the server logs
    await client.subscribeResource({ uri: greeting })
    await client.callTool({ name: 'touch_resource', arguments: {} })
    await expect.poll(() => updates, { timeout: 10_000 }).toContain(greeting)
    await client.unsubscribeResource({ uri: greeting })
  })

  it('gives up on a server that never stops asking for input', async () => {
    const before = (await upstream.stats()).endlessRounds
    const outcome = await client.callTool({ name: 'endless_input', arguments: {} }).then(
      (result) => ({ isError: result.isError, text: textOf(result) }),
      (error: Error) => ({ isError: true, text: error.message }),
    )
    expect(outcome.isError).toBe(true)
    // The bridge stops after its 10 retries; a 2025 server's own shim after its 8.
    expect((await upstream.stats()).endlessRounds - before).toBe(era === 'modern' ? 11 : 9)
    if (era === 'modern') expect(outcome.text).toContain('stopped after 10 rounds')
  })
})

describe('hosts that cannot or will not give input, against a modern server', () => {
  let upstream: Upstream
  const home = temporaryHome()
  beforeAll(async () => void (upstream = await httpUpstream('modern')), 30_000)
  afterAll(async () => {
    await upstream?.stop()
    home.remove()
  })

  it('a host that did not declare elicitation gets the error the revision prescribes; free calls still work', async () => {
    const { client } = await host(upstream, home.home, { elicitation: 'undeclared' })
    try {
      const error = await client.callTool({ name: 'ask_name', arguments: {} }).then(() => undefined, (caught: { code?: number }) => caught)
      expect(error?.code).toBe(-32021)
      expect(textOf(await client.callTool({ name: 'echo', arguments: { message: 'still' } }))).toBe('Echo: still')
    } finally {
      await client.close()
    }
  })

  it('a host that refuses the elicitation ends the call with a clear error, and the server is not retried', async () => {
    const { client } = await host(upstream, home.home, { elicitation: 'refuse' })
    try {
      const before = (await upstream.stats()).requests.modern['tools/call'] ?? 0
      const error = await client.callTool({ name: 'ask_name', arguments: {} }).then(() => undefined, (caught: Error) => caught)
      expect(error?.message).toContain('The server asked the host for input (elicitation/create) and the host refused')
      expect((await upstream.stats()).requests.modern['tools/call']! - before).toBe(1)
    } finally {
      await client.close()
    }
  })
})
