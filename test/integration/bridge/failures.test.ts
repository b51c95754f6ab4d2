// What the bridge survives: bad input from either side, an upstream that is down, restarts or
// expires the session, and a host that goes away.
import { existsSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, afterEach, describe, expect, it } from 'vitest'
import { check } from '../../../main/bridge/JsonRpc.js'
import { hostWithBridge, initializeRequest, rawBridge } from '../../helpers/bridge.js'
import { exited, freePort, stopAll, temporaryHome } from '../../helpers/processes.js'
import { adminPost, relayServer, serverStats } from '../../helpers/servers.js'

const homes: { remove(): void }[] = []
function home(): string {
  const created = temporaryHome()
  homes.push(created)
  return created.home
}

afterEach(async () => {
  await stopAll()
})
afterAll(() => homes.forEach((created) => created.remove()))

/** Initializes a raw bridge the way a host does. */
async function initialized(bridge: ReturnType<typeof rawBridge>) {
  bridge.send(initializeRequest(1))
  const answer = await bridge.next((message) => message.id === 1)
  bridge.send({ jsonrpc: '2.0', method: 'notifications/initialized' })
  return answer
}

const call = (id: number | string, name: string, args: Record<string, unknown> = {}, meta?: Record<string, unknown>) => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name, arguments: args, ...(meta ? { _meta: meta } : {}) },
})

describe('bad input', () => {
  it('answers a line that is not JSON with a parse error, a non-JSON-RPC value with invalid request, and keeps going', async () => {
    const server = await relayServer()
    const bridge = rawBridge([server.url], home())
    await initialized(bridge)

    bridge.write('{"jsonrpc": "2.0", "id": 3, "method": ')
    expect(await bridge.next()).toEqual({ jsonrpc: '2.0', id: null, error: { code: -32700, message: expect.stringMatching(/^Parse error/) } })
    bridge.send({ id: 5, hello: 'world' })
    expect(await bridge.next()).toMatchObject({ jsonrpc: '2.0', id: 5, error: { code: -32600 } })
    bridge.send([call(6, 'echo', { text: 'batch' })])
    expect(await bridge.next()).toMatchObject({ id: null, error: { code: -32600, message: expect.stringMatching(/batches/) } })

    bridge.send(call(7, 'echo', { text: 'after' }))
    expect((await bridge.next((message) => message.id === 7)).result.content).toEqual([{ type: 'text', text: 'after' }])
    expect(bridge.child.exitCode).toBeNull()
  })

  it("answers the request whose upstream answer is not JSON with an error naming the upstream, then relays the next one", async () => {
    const server = await relayServer()
    const bridge = rawBridge([server.url], home())
    await initialized(bridge)
    await adminPost(server, 'garble')
    bridge.send(call(10, 'echo', { text: 'x' }))
    const failed = await bridge.next((message) => message.id === 10)
    expect(failed.error.code).toBe(-32000)
    expect(failed.error.message).toContain(server.url)
    expect(failed.error.message).toMatch(/invalid response/)
    bridge.send(call(11, 'echo', { text: 'fine' }))
    expect((await bridge.next((message) => message.id === 11)).result.content).toEqual([{ type: 'text', text: 'fine' }])
  })
})

describe('ids, order and stdout', () => {
  it("keeps the host's ids (strings and numbers) and the order of progress before the result; stdout is only JSON-RPC", async () => {
    const server = await relayServer()
    const directory = home()
    const bridge = rawBridge([server.url], directory)
    await initialized(bridge)
    bridge.send(call('host-id-α', 'echo', { text: 'a' }))
    bridge.send(call(42, 'progress', { steps: 3 }, { progressToken: 'tok' }))
    expect((await bridge.next((message) => message.id === 'host-id-α')).result.content[0].text).toBe('a')
    await bridge.next((message) => message.id === 42)

    const stdout = [...bridge.lines]
    bridge.child.stdin.end()
    await exited(bridge.child)
    // Everything that was written to stdout parses as JSON-RPC.
    for (const line of stdout) expect(check(JSON.parse(line)).ok).toBe(true)
    expect(existsSync(join(directory, 'logs', 'bridge.log'))).toBe(true)
    expect(readFileSync(join(directory, 'logs', 'bridge.log'), 'utf8')).toContain(`bridge for ${server.url} started`)
  })

  it('writes progress notifications before the result they belong to', async () => {
    const server = await relayServer()
    const bridge = rawBridge([server.url], home())
    await initialized(bridge)
    bridge.send(call(5, 'progress', { steps: 3 }, { progressToken: 'p' }))
    await bridge.next((message) => message.id === 5)
    // `next` removes what it returns; progress notifications came earlier and are still in order.
    const progress = bridge.lines.map((line) => JSON.parse(line)).filter((message) => message.method === 'notifications/progress')
    expect(progress.map((message) => message.params.progress)).toEqual([1, 2, 3])
  })
})

describe('upstream down, restarted, expired', () => {
  it('says which URL failed and why when the upstream is down at start, and connects once it is up', async () => {
    const port = await freePort()
    const url = `http://127.0.0.1:${port}/mcp`
    const bridge = rawBridge([url], home())
    bridge.send(initializeRequest(1))
    const failed = await bridge.next((message) => message.id === 1)
    expect(failed.error.code).toBe(-32000)
    expect(failed.error.message).toContain(url)
    expect(failed.error.message).toContain(`is unreachable: nothing is listening at that address (127.0.0.1:${port})`)
    expect(failed.error.message).not.toMatch(/ECONNREFUSED/)
    expect(failed.error.data).toEqual({ upstream: url, reason: 'unreachable' })
    expect(bridge.child.exitCode).toBeNull()

    await relayServer(port)
    bridge.send(initializeRequest(2))
    expect((await bridge.next((message) => message.id === 2)).result.serverInfo.name).toBe('relay-test-server')
  })

  it('answers with a clear error while the server is down and reconnects by itself when it is back', async () => {
    const server = await relayServer()
    const { client, stderr } = await hostWithBridge([server.url], home())
    expect((await client.callTool({ name: 'echo', arguments: { text: 'one' } })).content).toEqual([{ type: 'text', text: 'one' }])

    await server.stop()
    const down = await client.callTool({ name: 'echo', arguments: { text: 'two' } }).catch((error: Error) => error)
    expect(String(down)).toContain(server.url)
    // Which sentence depends on whether the bridge's idle connection had seen the server close it.
    expect(String(down)).toMatch(/unreachable|stopped before answering|closed the connection/)

    const restarted = await relayServer(server.port)
    // The host does nothing special: its next call goes through on a new upstream session.
    await expect
      .poll(async () => (await client.callTool({ name: 'echo', arguments: { text: 'three' } }).catch(() => null))?.content, { timeout: 10_000 })
      .toEqual([{ type: 'text', text: 'three' }])
    const stats = await serverStats(restarted)
    expect(stats.initializeParams[0]!.clientInfo).toMatchObject({ name: 'test-host' })
    expect(stderr()).toMatch(/lost|unreachable/)
    await client.close()
  })

  it('re-initializes transparently when the server expires the session (404) and replays the request once', async () => {
    const server = await relayServer()
    const { client } = await hostWithBridge([server.url], home())
    await client.setLoggingLevel('error')
    await client.subscribeResource({ uri: 'test://doc' })
    await adminPost(server, 'expire')
    const result = await client.callTool({ name: 'echo', arguments: { text: 'after expiry' } })
    expect(result.content).toEqual([{ type: 'text', text: 'after expiry' }])
    const stats = await serverStats(server)
    expect(stats.initializeParams).toHaveLength(2)
    // The new session got the host's subscription and log level back.
    expect(stats.subscriptions).toEqual(['test://doc', 'test://doc'])
    expect(stats.logLevel).toBe('error')
    await client.close()
  })
})

describe('host goes away', () => {
  it('exits within one second when the host closes stdin, ending the upstream session', async () => {
    const server = await relayServer()
    const bridge = rawBridge([server.url], home())
    await initialized(bridge)
    bridge.send(call(2, 'echo', { text: 'x' }))
    await bridge.next((message) => message.id === 2)
    const before = Date.now()
    bridge.child.stdin.end()
    await exited(bridge.child)
    expect(Date.now() - before).toBeLessThan(1000)
    expect((await serverStats(server)).sessionsDeleted).toBe(1)
  })

  it('exits within one second on SIGTERM, even with a request in flight', async () => {
    const server = await relayServer()
    const bridge = rawBridge([server.url], home())
    await initialized(bridge)
    bridge.send(call(2, 'slow', { ms: 30_000 }))
    await new Promise((resolve) => setTimeout(resolve, 200))
    const before = Date.now()
    bridge.child.kill('SIGTERM')
    expect(await exited(bridge.child)).toBe(0)
    expect(Date.now() - before).toBeLessThan(1000)
  })
})

describe('stdio upstream', () => {
  it('relays to a local process and stops it when the host leaves', async () => {
    const { client, transport } = await hostWithBridge(['--stdio', '--', process.execPath, 'dist/fixtures/servers/relayServer.js', 'stdio'], home())
    expect(client.getServerVersion()?.name).toBe('relay-test-server')
    expect((await client.callTool({ name: 'echo', arguments: { text: 'local' } })).content).toEqual([{ type: 'text', text: 'local' }])
    expect((await client.readResource({ uri: 'test://doc' })).contents[0]).toEqual({ uri: 'test://doc', text: 'contents of test://doc' })
    const bridgePid = transport.pid!
    const children = readFileSync(`/proc/${bridgePid}/task/${bridgePid}/children`, 'utf8').trim().split(/\s+/).map(Number)
    expect(children).toHaveLength(1)
    await client.close()
    await expect.poll(() => existsSync(`/proc/${children[0]}`), { timeout: 3000 }).toBe(false)
  })

  it('says which command failed when the local server cannot start', async () => {
    const bridge = rawBridge(['--stdio', '--', 'allowance-no-such-command-xyz'], home())
    bridge.send(initializeRequest(1))
    const failed = await bridge.next((message) => message.id === 1)
    expect(failed.error.message).toContain('allowance-no-such-command-xyz')
    expect(failed.error.message).toMatch(/is unreachable: no such file or command \(allowance-no-such-command-xyz\)$/)
  })
})
