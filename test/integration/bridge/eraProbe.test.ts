// How the bridge finds an upstream's era, and what it does when the answer is odd: a server that
// changes era between runs, a local server that never answers the probe, answers it with garbage
// or exits on it, and HTTP walls (401, 500) that say nothing about the era (a 401 is a sign-in's
// business: the companion's sentence says why there was none).
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { existsSync, readFileSync } from 'node:fs'
import { createServer } from 'node:http'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as Home from '../../../main/shared/Home.js'
import { status as companionStatus } from '../../../main/wire/Client.js'
import { hostWithBridge, rawBridge } from '../../helpers/bridge.js'
import { stopAll, temporaryHome } from '../../helpers/processes.js'
import { modernMode, modernServer, modernStats } from '../../helpers/servers.js'

afterAll(stopAll)

const textOf = (result: unknown) => (result as CallToolResult).content.map((block) => (block.type === 'text' ? block.text : '')).join('')
const eras = (home: string): Record<string, { era: string }> => {
  const file = join(home, 'eras.json')
  return existsSync(file) ? JSON.parse(readFileSync(file, 'utf8')) : {}
}
const initialize = (id: number) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-host', version: '1' } },
})

/** One run of a host against `args`: connects, calls echo, leaves. */
async function run(args: string[], home: string): Promise<{ text: string; stderr: string; ms: number }> {
  const started = Date.now()
  const { client, stderr } = await hostWithBridge(args, home)
  const ms = Date.now() - started
  try {
    return { text: textOf(await client.callTool({ name: 'echo', arguments: { message: 'hi' } })), stderr: stderr(), ms }
  } finally {
    await client.close()
  }
}

describe('a server that changes era between runs', () => {
  it('is spoken to in its new era each time, the remembered one re-probed when it stops holding', async () => {
    const home = temporaryHome()
    const server = await modernServer('legacy')
    try {
      const first = await run([server.url], home.home)
      expect(first.text).toBe('Echo: hi')
      expect(first.stderr).toContain('speaking the 2025 era')
      expect(Object.values(eras(home.home))).toEqual([{ era: 'legacy', checkedAt: expect.any(String) }])

      await modernMode(server, 'modern')
      const second = await run([server.url], home.home)
      expect(second.text).toBe('Echo: hi')
      expect(second.stderr).toContain('refused initialize; probing its era again')
      expect(second.stderr).toContain('(MCP 2026-07-28)')
      expect(Object.values(eras(home.home))).toMatchObject([{ era: 'modern' }])

      // Remembered as modern, the next run asks server/discover first and nothing else.
      const discoverBefore = (await modernStats(server)).discover
      const third = await run([server.url], home.home)
      expect(third.stderr).not.toContain('probing its era again')
      expect((await modernStats(server)).discover - discoverBefore).toBe(1)

      await modernMode(server, 'legacy')
      const fourth = await run([server.url], home.home)
      expect(fourth.text).toBe('Echo: hi')
      expect(fourth.stderr).toContain('speaking the 2025 era')
      expect(Object.values(eras(home.home))).toMatchObject([{ era: 'legacy' }])
    } finally {
      await server.stop()
      home.remove()
    }
  }, 60_000)
})

describe('a local 2025 server with odd manners', () => {
  const odd = (manner: string) => ['--stdio', '--', process.execPath, 'dist/fixtures/servers/oddStdioServer.js', manner]

  it('one that never answers the probe is spoken to in 2025 after the probe times out, and without waiting the next time', async () => {
    const home = temporaryHome()
    try {
      const first = await run(odd('silent'), home.home)
      expect(first.text).toBe('Echo: hi')
      expect(first.stderr).toContain('did not answer server/discover (timeout)')
      expect(first.ms).toBeGreaterThanOrEqual(10_000)
      const second = await run(odd('silent'), home.home)
      expect(second.text).toBe('Echo: hi')
      expect(second.stderr).not.toContain('server/discover')
      expect(second.ms).toBeLessThan(first.ms)
    } finally {
      home.remove()
    }
  }, 60_000)

  it('one that answers the probe with garbage is a 2025 server, served by the same process', async () => {
    const home = temporaryHome()
    const log = join(home.home, 'server.log')
    try {
      const { text, stderr } = await run(['--stdio', '--', 'env', `LOG_FILE=${log}`, ...odd('garbage').slice(2)], home.home)
      expect(text).toBe('Echo: hi')
      expect(stderr).toContain('answered server/discover with an error')
      const lines = readFileSync(log, 'utf8').trim().split('\n')
      expect(lines.map((line) => JSON.parse(line.slice(line.indexOf(' ') + 1)).method).slice(0, 2)).toEqual(['server/discover', 'initialize'])
      expect(new Set(lines.map((line) => line.split(' ')[0])).size).toBe(1)
    } finally {
      home.remove()
    }
  })

  it('one that exits on the probe is started again and spoken to in 2025', async () => {
    const home = temporaryHome()
    try {
      const { text } = await run(odd('exit'), home.home)
      expect(text).toBe('Echo: hi')
      expect(Object.values(eras(home.home))).toMatchObject([{ era: 'legacy' }])
    } finally {
      home.remove()
    }
  })
})

describe('HTTP answers that say nothing about the era', () => {
  it.each([
    // Its metadata is nowhere (port 80 of this machine): the sign-in cannot even start.
    [401, 'an authorization wall', /could not sign in to 127\.0\.0\.1:\d+: its protected-resource metadata could not be reached/],
    [403, 'a forbidden answer', /HTTP 403/],
    [500, 'a server error', /HTTP 500/],
  ])('%i (%s) fails the connection with the reason, and nothing is remembered', async (status, _what, reason) => {
    const home = temporaryHome()
    const methods: string[] = []
    const server = createServer((request, response) => {
      let body = ''
      request.on('data', (chunk: Buffer) => (body += chunk))
      request.on('end', () => methods.push((JSON.parse(body || '{}') as { method?: string }).method ?? request.method!))
      response.writeHead(status, status === 401 ? { 'www-authenticate': 'Bearer resource_metadata="http://127.0.0.1/.well-known/oauth-protected-resource"' } : {}).end('no')
    })
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
    const { port } = server.address() as { port: number }
    try {
      const bridge = rawBridge([`http://127.0.0.1:${port}/mcp`], home.home)
      bridge.send(initialize(1))
      const answer = await bridge.next((message) => message.id === 1)
      expect(answer.error.message).toMatch(reason)
      // No falling back to initialize behind the wall.
      expect(methods).toContain('server/discover')
      expect(methods).not.toContain('initialize')
      expect(eras(home.home)).toEqual({})
    } finally {
      // The bridge started a companion to sign in with: stopped by its pid before its home goes.
      const running = await companionStatus(Home.paths(home.home).socket, 5000).catch(() => undefined)
      if (running) {
        process.kill(running.pid, 'SIGTERM')
        for (const deadline = Date.now() + 5000; Date.now() < deadline && existsSync(Home.paths(home.home).socket); ) await new Promise((resolve) => setTimeout(resolve, 50))
      }
      server.closeAllConnections()
      server.close()
      home.remove()
    }
  })
})
