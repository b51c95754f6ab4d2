// The bridge as a transparent relay: a host (the SDK client) launches the built bridge, which
// relays to the repository's relay test server over Streamable HTTP.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  McpError,
  ResourceUpdatedNotificationSchema,
  ToolListChangedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostWithBridge } from '../../helpers/bridge.js'
import { stopAll, temporaryHome } from '../../helpers/processes.js'
import { relayServer, serverStats, type RunningServer } from '../../helpers/servers.js'

let server: RunningServer
let client: Client
const home = temporaryHome()
const received = { logs: [] as unknown[], updated: [] as string[], toolListChanged: 0 }

beforeAll(async () => {
  server = await relayServer()
  ;({ client } = await hostWithBridge([server.url], home.home, {
    capabilities: { sampling: {}, elicitation: {}, roots: { listChanged: true }, experimental: { 'host-feature': { on: true } } },
  }))
  client.setRequestHandler(CreateMessageRequestSchema, async (request) => ({
    role: 'assistant',
    model: 'test-model',
    content: { type: 'text', text: `answer to ${(request.params.messages[0]!.content as { text: string }).text}` },
  }))
  client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'accept', content: { name: 'Ada' } }))
  client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///projects/a', name: 'a' }] }))
  client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void received.logs.push(notification.params))
  client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void received.updated.push(notification.params.uri))
  client.setNotificationHandler(ToolListChangedNotificationSchema, () => void received.toolListChanged++)
})

afterAll(async () => {
  await client?.close()
  await stopAll()
  home.remove()
})

describe('initialize', () => {
  it("returns the server's result and passes the host's capabilities and clientInfo upstream, adding only the payment capability", async () => {
    expect(client.getServerVersion()).toEqual({ name: 'relay-test-server', version: '1.0.0' })
    expect(client.getServerCapabilities()?.experimental).toEqual({ 'test-feature': { enabled: true } })
    expect(client.getInstructions()).toBe('A server for relay tests.')

    // The server records the handshake on `notifications/initialized`, which the bridge relays on
    // its own request after the host's connect resolved.
    await expect.poll(async () => (await serverStats(server)).initializeParams.length, { timeout: 10_000 }).toBe(1)
    const [seen] = (await serverStats(server)).initializeParams
    expect(seen!.clientInfo).toMatchObject({ name: 'test-host', version: '9.9.9' })
    expect(seen!.capabilities).toMatchObject({ sampling: {}, elicitation: {}, roots: { listChanged: true } })
    expect(seen!.capabilities.experimental).toEqual({
      'host-feature': { on: true },
      payment: { methods: { evm: { intents: ['charge'] }, tempo: { intents: ['charge', 'session', 'subscription'] }, stripe: { intents: ['charge'] } } },
    })
  })
})

describe('requests and responses', () => {
  it('passes pagination cursors through and returns every page', async () => {
    const names: string[] = []
    let cursor: string | undefined
    const pageStarts: unknown[] = []
    do {
      const page = await client.listTools(cursor ? { cursor } : {})
      names.push(...page.tools.map((tool) => tool.name))
      pageStarts.push(page._meta?.['test/page-start'])
      cursor = page.nextCursor
    } while (cursor)
    expect(pageStarts).toEqual([0, 4, 8])
    expect(names).toContain('echo')
    expect(names).toContain('tool_error')
  })

  it('keeps _meta in both directions, including unknown keys, and structured content', async () => {
    const result = await client.callTool({ name: 'echo', arguments: { text: 'hello' }, _meta: { 'host/trace': 'abc', progressToken: 7 } })
    expect(result.content).toEqual([{ type: 'text', text: 'hello' }])
    expect(result.structuredContent).toEqual({ echoed: 'hello' })
    expect(result._meta).toEqual({ 'test/received-meta': { 'host/trace': 'abc', progressToken: 7 }, 'test/unknown-key': { kept: true } })
  })

  it('relays JSON-RPC errors with their code and data intact', async () => {
    const error = await client.callTool({ name: 'tool_error', arguments: {} }).catch((caught: unknown) => caught)
    expect(error).toBeInstanceOf(McpError)
    expect((error as McpError).code).toBe(-32099)
    expect((error as McpError).data).toEqual({ detail: 'kept intact', nested: { list: [1, 2, 3] } })

    const missing = await client.readResource({ uri: 'test://error' }).catch((caught: unknown) => caught)
    expect((missing as McpError).code).toBe(-32002)
    expect((missing as McpError).data).toEqual({ uri: 'test://error' })
  })

  it('relays resources, prompts and completion', async () => {
    expect((await client.listResources()).resources).toEqual([{ uri: 'test://doc', name: 'doc', mimeType: 'text/plain' }])
    expect((await client.readResource({ uri: 'test://doc' })).contents).toEqual([{ uri: 'test://doc', text: 'contents of test://doc' }])
    expect((await client.listPrompts()).prompts[0]!.name).toBe('greet')
    const prompt = await client.getPrompt({ name: 'greet', arguments: { who: 'Ada' } })
    expect(prompt.messages[0]!.content).toEqual({ type: 'text', text: 'Hello, Ada' })
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'greet' }, argument: { name: 'who', value: 'al' } })
    expect(completion.completion.values).toEqual(['alice', 'albert'])
  })
})

describe('server → client requests', () => {
  it('relays sampling, elicitation and roots/list to the host and the answers back', async () => {
    const sampled = await client.callTool({ name: 'sample', arguments: { prompt: 'ping' } })
    expect(sampled.content).toEqual([{ type: 'text', text: 'sampled: {"type":"text","text":"answer to ping"}' }])
    const elicited = await client.callTool({ name: 'elicit', arguments: {} })
    expect(elicited.content).toEqual([{ type: 'text', text: 'elicited: accept {"name":"Ada"}' }])
    const roots = await client.callTool({ name: 'roots', arguments: {} })
    expect(roots.content).toEqual([{ type: 'text', text: 'roots: file:///projects/a' }])
  })
})

describe('notifications', () => {
  it('relays progress notifications for the request that asked for them, in order', async () => {
    const progress: number[] = []
    // Unpaced: the server sends every progress and the result at once, and the host still sees them all.
    const result = await client.callTool({ name: 'progress', arguments: { steps: 4, pauseMs: 0 } }, undefined, {
      onprogress: (update) => progress.push(update.progress),
    })
    expect(progress).toEqual([1, 2, 3, 4])
    expect(result.content).toEqual([{ type: 'text', text: 'done in 4 steps' }])
  })

  it('relays logging messages, list_changed and resource updates after a subscribe', async () => {
    await client.setLoggingLevel('debug')
    await client.callTool({ name: 'log', arguments: { text: 'careful' } })
    await client.subscribeResource({ uri: 'test://doc' })
    await client.callTool({ name: 'notify_updated', arguments: { uri: 'test://doc' } })
    await client.callTool({ name: 'add_tool', arguments: { name: 'fresh_tool' } })
    await expect.poll(() => received.logs).toEqual([{ level: 'warning', logger: 'relay-test', data: { said: 'careful' } }])
    await expect.poll(() => received.updated).toEqual(['test://doc'])
    await expect.poll(() => received.toolListChanged).toBe(1)
    const stats = await serverStats(server)
    expect(stats.subscriptions).toContain('test://doc')
    expect(stats.logLevel).toBe('debug')
  })

  it('relays cancellation: the server sees the host cancel a running request', async () => {
    const controller = new AbortController()
    const call = client.callTool({ name: 'slow', arguments: { ms: 20_000 } }, undefined, { signal: controller.signal })
    await new Promise((resolve) => setTimeout(resolve, 300))
    controller.abort('the user changed their mind')
    await expect(call).rejects.toThrow()
    await expect.poll(async () => (await serverStats(server)).cancelled.length).toBe(1)
    // The bridge is still healthy afterwards.
    expect((await client.callTool({ name: 'echo', arguments: { text: 'still here' } })).content).toEqual([{ type: 'text', text: 'still here' }])
  })
})
