import type { ChildProcess } from 'node:child_process'
import { freePort, start, stop, waitForHttp } from './processes.js'

export type RunningServer = { url: string; port: number; process: ChildProcess; stop(): Promise<void> }

/** The repository's relay test server over Streamable HTTP, on `port` (a free one by default). */
export async function relayServer(port?: number): Promise<RunningServer> {
  const chosen = port ?? (await freePort())
  const child = start(process.execPath, ['dist/fixtures/servers/relayServer.js', 'http', String(chosen)])
  await waitForHttp(`http://127.0.0.1:${chosen}/admin/stats`)
  return { url: `http://127.0.0.1:${chosen}/mcp`, port: chosen, process: child, stop: () => stop(child) }
}

/** `@modelcontextprotocol/server-everything` in `streamableHttp` or `sse` mode, bound to 127.0.0.1. */
export async function everythingServer(mode: 'streamableHttp' | 'sse'): Promise<RunningServer> {
  const port = await freePort()
  const child = start(
    process.execPath,
    ['--require', './test/fixtures/loopbackOnly.cjs', 'node_modules/@modelcontextprotocol/server-everything/dist/index.js', mode],
    { env: { ...process.env, PORT: String(port) } },
  )
  await waitForHttp(`http://127.0.0.1:${port}/`)
  const path = mode === 'sse' ? '/sse' : '/mcp'
  return { url: `http://127.0.0.1:${port}${path}`, port, process: child, stop: () => stop(child) }
}

export async function adminPost(server: RunningServer, action: 'expire' | 'garble'): Promise<void> {
  await fetch(`http://127.0.0.1:${server.port}/admin/${action}`, { method: 'POST' }).then((response) => response.text())
}

export async function serverStats(server: RunningServer): Promise<{
  initializeParams: { capabilities: Record<string, unknown>; clientInfo: Record<string, unknown> }[]
  sessionsDeleted: number
  cancelled: string[]
  subscriptions: string[]
  logLevel?: string
}> {
  return fetch(`http://127.0.0.1:${server.port}/admin/stats`).then((response) => response.json())
}
