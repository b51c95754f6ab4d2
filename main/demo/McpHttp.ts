import { randomUUID } from 'node:crypto'
import { createServer, type IncomingMessage, type Server as HttpServer, type ServerResponse } from 'node:http'
import type { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js'

/**
 * An MCP server over Streamable HTTP at 127.0.0.1:<port>/mcp, one SDK `Server` per session.
 * `route` answers other paths first (a test server's admin endpoints); it returns false to pass.
 */
export async function serve(port: number, options: Options): Promise<HttpServer> {
  const sessions = new Map<string, StreamableHTTPServerTransport>()
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? '/', 'http://127.0.0.1')
    if (options.route && (await options.route(req, res, url))) return
    if (url.pathname !== '/mcp') return res.writeHead(404).end('not found')
    const sessionId = req.headers['mcp-session-id']
    if (typeof sessionId === 'string') {
      const transport = sessions.get(sessionId)
      if (!transport) return res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: null, error: { code: -32001, message: 'Session not found' } }))
      return options.around ? options.around(req, () => transport.handleRequest(req, res)) : transport.handleRequest(req, res)
    }
    if (req.method !== 'POST') return res.writeHead(400).end('no session')
    const transport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      enableJsonResponse: options.jsonResponse ?? false,
      onsessioninitialized: (id) => void sessions.set(id, transport),
    })
    transport.onclose = () => void (transport.sessionId && sessions.delete(transport.sessionId))
    await options.create().connect(transport)
    await transport.handleRequest(req, res)
  }
  const server = createServer((req, res) => {
    handle(req, res).catch((error: unknown) => {
      options.onError?.(error)
      if (!res.headersSent) res.writeHead(500).end('internal error')
    })
  })
  await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve))
  return server
}

export type Options = {
  /** A new SDK server for each session. */
  create: () => Server
  route?: (req: IncomingMessage, res: ServerResponse, url: URL) => boolean | Promise<boolean>
  /** Runs each request of an established session inside this (to know, in a handler, which request it answers). */
  around?: (req: IncomingMessage, handle: () => Promise<void>) => Promise<void>
  /** POSTs answered with JSON bodies instead of SSE streams. */
  jsonResponse?: boolean
  onError?: (error: unknown) => void
}
