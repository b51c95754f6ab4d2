import type { ChildProcess } from 'node:child_process'
import { freePort, start, startFixtureServer, stop, waitForHttp } from './processes.js'

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

export type ModernMode = 'modern' | 'dual' | 'dual-stateful' | 'legacy'
export type ModernStdioMode = 'stdio-modern' | 'stdio-dual' | 'stdio-legacy'

/**
 * The dual-era SDK v2 test server (dist/fixtures/servers/modernServer.js) over Streamable HTTP in
 * `mode`. `env` adds to the environment: the payment variables (RPC_URL, CHAIN_ID, TOKEN,
 * RECIPIENT, RELAYER_KEY, MPP_SECRET_KEY, REALM) make the paid tools charge.
 */
export async function modernServer(mode: ModernMode, env: Record<string, string> = {}): Promise<RunningServer> {
  const { child, port, base } = await startFixtureServer('modern server', 'dist/fixtures/servers/modernServer.js', {
    args: (port) => [mode, String(port)],
    env: { ...process.env, ...env },
  })
  return { url: `${base}/mcp`, port, process: child, stop: () => stop(child) }
}

/** How to spawn the modern server on stdio (for an SDK `StdioClientTransport`); STATS_FILE receives its stats. */
export function modernStdio(mode: ModernStdioMode, env: Record<string, string> = {}): { command: string; args: string[]; env: Record<string, string> } {
  const inherited = Object.fromEntries(Object.entries(process.env).filter((entry): entry is [string, string] => entry[1] !== undefined))
  return { command: process.execPath, args: ['dist/fixtures/servers/modernServer.js', mode], env: { ...inherited, ...env } }
}

export type ModernStats = {
  mode: string
  pid: number
  /** Requests per era (modern = `params._meta` carried the protocol version) and method. */
  requests: Record<'modern' | 'legacy', Record<string, number>>
  notifications: Record<'modern' | 'legacy', Record<string, number>>
  envelopes: { method: string; protocolVersion: unknown; clientInfo: unknown; clientCapabilities: unknown }[]
  /** The standard headers of each modern POST (HTTP only). */
  headers: { method: string; protocolVersion: string | null; mcpMethod: string | null; mcpName: string | null; region?: string }[]
  initialize: number
  discover: number
  listen: number
  credentials: Record<string, number>
  settlements: { tool: string; reference?: string; challengeId: string }[]
  /** The `source` of every identity proof `whoami` verified (with PROOFS=tempo). */
  proofs: string[]
  /** Every subscription credential `pro_plan` received (with SUBSCRIPTIONS=tempo): its payload type and the terms its challenge named. */
  subscriptions: { payload: string; request: Record<string, unknown> }[]
  endlessRounds: number
  extraTools: string[]
  /** Open 2025-era sessions (HTTP only). */
  sessions?: number
}

export async function modernStats(server: RunningServer): Promise<ModernStats> {
  return fetch(`http://127.0.0.1:${server.port}/admin/stats`).then((response) => response.json() as Promise<ModernStats>)
}

/** Switches the running modern server's era mode (a server that changes era between runs). */
export async function modernMode(server: RunningServer, mode: ModernMode): Promise<void> {
  const response = await fetch(`http://127.0.0.1:${server.port}/admin/mode`, { method: 'POST', body: JSON.stringify({ mode }) })
  if (!response.ok) throw new Error(`modern server refused mode ${mode}: ${await response.text()}`)
}

/** Announces a tools list change without changing the list. */
export async function modernListChanged(server: RunningServer): Promise<void> {
  await fetch(`http://127.0.0.1:${server.port}/admin/list-changed`, { method: 'POST' }).then((response) => response.text())
}
