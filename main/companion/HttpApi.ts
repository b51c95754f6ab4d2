import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import type { Logger } from '../shared/Log.js'
import type { Reply } from '../uiapi/Contract.js'
import * as RendererFiles from './RendererFiles.js'
import type * as UiApi from './UiApi.js'
import * as UiRoute from './UiRoute.js'

/**
 * The UI API's transport when the companion runs headless: HTTP on 127.0.0.1 only, a random
 * token per launch (in the URL the daemon prints, then in the `x-allowance-token` header), and
 * `Host` and `Origin` checks so that neither another site nor a DNS-rebinding page can use it.
 * Live events go out as server-sent events on `GET /api/events`.
 *
 * It also serves the built React UI: the page itself only from the printed URL (`/?token=…`), its
 * assets to anyone on this origin (they are the public bundle), and the page then sends the token
 * in the header. The API takes the token from the header only, so it never sits in a logged URL.
 */
export async function start(api: UiApi.UiApi, log: Logger, options: { port?: number } = {}): Promise<HttpApi> {
  const token = randomBytes(24).toString('base64url')
  const renderer = RendererFiles.locate()
  const streams = new Set<ServerResponse>()
  const stopEvents = api.subscribe((event) => {
    for (const stream of streams) stream.write(`event: ${event.name}\ndata: ${event.data}\n\n`)
  })

  let origin = ''
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error(`ui api: ${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`)
      if (!response.headersSent) refuse(response, 500, 'The companion could not handle this request.')
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin)
    if (request.headers.host !== new URL(origin).host) return refuse(response, 421, 'Unexpected Host header.')
    const requestOrigin = request.headers.origin
    if (requestOrigin !== undefined && requestOrigin !== origin) return refuse(response, 403, 'Cross-origin requests are refused.')
    if (!url.pathname.startsWith('/api/')) return page(request, response, url)
    if (!matches(request.headers['x-allowance-token'], token)) return refuse(response, 401, 'Missing or wrong token.')
    if (request.method === 'GET' && url.pathname === '/api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      response.write(': connected\n\n')
      streams.add(response)
      request.once('close', () => streams.delete(response))
      return
    }
    const body = request.method === 'POST' || request.method === 'PATCH' ? await readJson(request) : undefined
    if (body === invalidJson) return refuse(response, 400, 'The request body is not valid JSON.')
    send(response, await api.handle({ method: request.method ?? 'GET', path: url.pathname + url.search, body }))
  }

  /** The UI's page (with the token in its URL) and its assets. */
  async function page(request: IncomingMessage, response: ServerResponse, url: URL): Promise<void> {
    if (request.method !== 'GET' && request.method !== 'HEAD') return text(response, 405, 'Only GET is served here.')
    const isPage = url.pathname === '/' || url.pathname === '/index.html'
    if (isPage && !matches(url.searchParams.get('token') ?? undefined, token)) {
      return text(response, 401, 'Open Allowance with the address the companion printed (it carries this launch\'s token).')
    }
    if (!renderer) return text(response, 503, 'The Allowance UI is not built here: run `npm run build`.')
    const file = await RendererFiles.read(renderer, url.pathname === '/index.html' ? '/' : url.pathname)
    if (!file) return text(response, 404, 'Not found.')
    response.writeHead(200, {
      ...RendererFiles.securityHeaders,
      'content-type': file.type,
      'content-length': file.body.length,
      'cache-control': isPage ? 'no-store' : 'no-cache',
    })
    response.end(request.method === 'HEAD' ? undefined : file.body)
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject)
    server.listen(options.port ?? 0, '127.0.0.1', () => resolve())
  })
  const { port } = server.address() as { port: number }
  origin = `http://127.0.0.1:${port}`
  return {
    url: `${origin}/?token=${token}`,
    origin,
    token,
    close: () =>
      new Promise<void>((resolve) => {
        stopEvents()
        for (const stream of streams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export type HttpApi = { url: string; origin: string; token: string; close(): Promise<void> }

function matches(given: string | string[] | undefined, token: string): boolean {
  const a = Buffer.from(String(given ?? ''))
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

/** The request's JSON body: `undefined` when it has none (as over IPC), `invalidJson` when it does not parse. */
function readJson(request: IncomingMessage): Promise<unknown> {
  return new Promise((resolve) => {
    let text = ''
    request.setEncoding('utf8')
    request.on('data', (chunk: string) => {
      text += chunk
      if (text.length > 64 * 1024) request.destroy()
    })
    request.once('end', () => {
      try {
        resolve(text ? JSON.parse(text) : undefined)
      } catch {
        resolve(invalidJson)
      }
    })
  })
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { ...RendererFiles.securityHeaders, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
  response.end(body)
}

function send(response: ServerResponse, reply: Reply): void {
  response.writeHead(reply.status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(reply.json)
}

function refuse(response: ServerResponse, status: number, error: string): void {
  send(response, UiRoute.failure(status, error))
}

const invalidJson = Symbol('invalid JSON')
