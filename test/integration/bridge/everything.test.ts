// The bridge against the reference server `@modelcontextprotocol/server-everything`, in its
// Streamable HTTP mode and its legacy SSE mode (reached through the http-first fallback).
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import {
  CreateMessageRequestSchema,
  ElicitRequestSchema,
  ListRootsRequestSchema,
  LoggingMessageNotificationSchema,
  ResourceUpdatedNotificationSchema,
} from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { hostWithBridge } from '../../helpers/bridge.js'
import { stopAll, temporaryHome } from '../../helpers/processes.js'
import { everythingServer, type RunningServer } from '../../helpers/servers.js'

describe.each(['streamableHttp', 'sse'] as const)('server-everything over %s', (mode) => {
  let server: RunningServer
  let client: Client
  let stderr: () => string
  const home = temporaryHome()
  const updates: string[] = []
  const logs: unknown[] = []

  beforeAll(async () => {
    server = await everythingServer(mode)
    ;({ client, stderr } = await hostWithBridge([server.url], home.home, {
      capabilities: { sampling: {}, elicitation: { form: {} }, roots: { listChanged: true } },
    }))
    client.setRequestHandler(CreateMessageRequestSchema, async () => ({
      role: 'assistant',
      model: 'host-model',
      content: { type: 'text', text: 'sampled by the host' },
    }))
    client.setRequestHandler(ElicitRequestSchema, async () => ({ action: 'decline' }))
    client.setRequestHandler(ListRootsRequestSchema, async () => ({ roots: [{ uri: 'file:///home/user/project', name: 'project' }] }))
    client.setNotificationHandler(ResourceUpdatedNotificationSchema, (notification) => void updates.push(notification.params.uri))
    client.setNotificationHandler(LoggingMessageNotificationSchema, (notification) => void logs.push(notification.params))
  })

  afterAll(async () => {
    await client?.close()
    await stopAll()
    home.remove()
  })

  it(`connects over ${mode === 'sse' ? 'the legacy SSE transport after Streamable HTTP is refused' : 'Streamable HTTP'}`, async () => {
    expect(client.getServerVersion()?.name).toBe('mcp-servers/everything')
    if (mode === 'sse') expect(stderr()).toMatch(/refused streamable-http \(HTTP 404\); trying sse/)
    expect(stderr()).toContain(`over ${mode === 'sse' ? 'sse' : 'streamable-http'}`)
  })

  it('lists and calls tools', async () => {
    const { tools } = await client.listTools()
    expect(tools.map((tool) => tool.name)).toEqual(expect.arrayContaining(['echo', 'get-sum', 'trigger-long-running-operation']))
    expect((await client.callTool({ name: 'echo', arguments: { message: 'through the bridge' } })).content).toEqual([
      { type: 'text', text: 'Echo: through the bridge' },
    ])
    expect((await client.callTool({ name: 'get-sum', arguments: { a: 2, b: 40 } })).content).toEqual([
      { type: 'text', text: 'The sum of 2 and 40 is 42.' },
    ])
  })

  it('relays every progress notification of a long-running operation, call after call', async () => {
    // The server sends its last progress right before the result; the host must see it every time.
    const calls: number[][] = []
    for (let call = 0; call < 20; call++) {
      const progress: number[] = []
      await client.callTool({ name: 'trigger-long-running-operation', arguments: { duration: 0.15, steps: 3 } }, undefined, {
        onprogress: (update) => progress.push(update.progress),
      })
      calls.push(progress)
    }
    expect(calls).toEqual(Array.from({ length: 20 }, () => [1, 2, 3]))
  })

  it('relays sampling and roots requests to the host', async () => {
    const sampled = await client.callTool({ name: 'trigger-sampling-request', arguments: { prompt: 'hi', maxTokens: 10 } })
    expect(JSON.stringify(sampled.content)).toContain('sampled by the host')
    const roots = await client.callTool({ name: 'get-roots-list', arguments: {} })
    expect(JSON.stringify(roots.content)).toContain('file:///home/user/project')
  })

  it('relays resources, templates, prompts and completion', async () => {
    const { resources } = await client.listResources()
    expect(resources.length).toBeGreaterThan(0)
    const read = await client.readResource({ uri: resources[0]!.uri })
    expect(read.contents[0]!.uri).toBe(resources[0]!.uri)
    expect((await client.listResourceTemplates()).resourceTemplates.length).toBeGreaterThan(0)
    const { prompts } = await client.listPrompts()
    expect(prompts.map((prompt) => prompt.name)).toContain('simple-prompt')
    expect((await client.getPrompt({ name: 'simple-prompt' })).messages.length).toBeGreaterThan(0)
    const completion = await client.complete({ ref: { type: 'ref/prompt', name: 'completable-prompt' }, argument: { name: 'department', value: 'Eng' } })
    expect(completion.completion.values).toContain('Engineering')
  })

  it('relays resource subscriptions and their update notifications', async () => {
    const { resources } = await client.listResources()
    await client.subscribeResource({ uri: resources[0]!.uri })
    await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} })
    await expect.poll(() => updates, { timeout: 15_000 }).toContain(resources[0]!.uri)
    await client.callTool({ name: 'toggle-subscriber-updates', arguments: {} })
  })

  it('relays logging after logging/setLevel', async () => {
    await client.setLoggingLevel('debug')
    await client.callTool({ name: 'toggle-simulated-logging', arguments: {} })
    await expect.poll(() => logs.length, { timeout: 15_000 }).toBeGreaterThan(0)
    await client.callTool({ name: 'toggle-simulated-logging', arguments: {} })
  })
})
