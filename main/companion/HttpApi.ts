import { randomBytes, timingSafeEqual } from 'node:crypto'
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http'
import * as z from 'zod'
import type { Decision } from '../approvals/Decision.js'
import * as Engine from '../approvals/Engine.js'
import type { Entry } from '../approvals/Queue.js'
import type { Logger } from '../shared/Log.js'
import type { Companion } from './Companion.js'
import * as RendererFiles from './RendererFiles.js'
import * as Views from './Views.js'

/**
 * The companion's API for UI clients when it runs headless: HTTP on 127.0.0.1 only, a random
 * token per launch (in the URL the daemon prints, then in the `x-allowance-token` header), and
 * `Host` and `Origin` checks so that neither another site nor a DNS-rebinding page can use it.
 * Approving a payment happens here (and in the desktop app), never over the bridges' socket.
 *
 * It also serves the built React UI: the page itself only from the printed URL (`/?token=…`), its
 * assets to anyone on this origin (they are the public bundle), and the page then sends the token
 * in the header. The API takes the token from the header only, so it never sits in a logged URL.
 */
export async function start(companion: Companion, log: Logger, options: { port?: number } = {}): Promise<HttpApi> {
  const token = randomBytes(24).toString('base64url')
  const renderer = RendererFiles.locate()
  const streams = new Set<ServerResponse>()
  const broadcast = (event: string, data: unknown) => {
    for (const stream of streams) stream.write(`event: ${event}\ndata: ${JSON.stringify(data, jsonable)}\n\n`)
  }
  const view = (entry: Entry) => Views.approval(companion.db, companion.registry, entry, new Date())
  companion.queue.on('added', (entry) => {
    // The queue emits inside its own bookkeeping: a failing view must not break the approval.
    try {
      const approval = view(entry)
      if (approval) broadcast('approval.added', approval)
    } catch (error) {
      log.error(`ui api: payment ${entry.paymentId} could not be shown: ${(error as Error).stack ?? String(error)}`)
    }
  })
  companion.queue.on('resolved', (entry, decision) => broadcast('approval.resolved', { paymentId: entry.paymentId, decision: decisionView(decision) }))

  let origin = ''
  const server = createServer((request, response) => {
    handle(request, response).catch((error: unknown) => {
      log.error(`ui api: ${request.method} ${request.url} failed: ${(error as Error).stack ?? String(error)}`)
      if (!response.headersSent) send(response, 500, { error: 'The companion could not handle this request.' })
    })
  })

  async function handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? '/', origin)
    if (request.headers.host !== new URL(origin).host) return send(response, 421, { error: 'Unexpected Host header.' })
    const requestOrigin = request.headers.origin
    if (requestOrigin !== undefined && requestOrigin !== origin) return send(response, 403, { error: 'Cross-origin requests are refused.' })
    if (!url.pathname.startsWith('/api/')) return page(request, response, url)
    if (!matches(request.headers['x-allowance-token'], token)) return send(response, 401, { error: 'Missing or wrong token.' })

    const route = `${request.method} ${url.pathname}`
    if (route === 'GET /api/status') return send(response, 200, companion.status())
    if (route === 'GET /api/approvals') return send(response, 200, companion.queue.list().flatMap((entry) => view(entry) ?? []))
    if (route === 'GET /api/history') {
      const limit = Number(url.searchParams.get('limit') ?? 100)
      if (!Number.isSafeInteger(limit) || limit < 1 || limit > 1000) return send(response, 400, { error: 'limit is a whole number from 1 to 1000.' })
      return send(response, 200, Views.history(companion.db, limit))
    }
    if (route === 'GET /api/budgets') return send(response, 200, Views.budgets(companion.db, companion.registry, new Date()))
    if (route === 'GET /api/events') {
      response.writeHead(200, { 'content-type': 'text/event-stream', 'cache-control': 'no-store' })
      response.write(': connected\n\n')
      streams.add(response)
      request.once('close', () => streams.delete(response))
      return
    }
    if (route === 'POST /api/approvals/decline-all') return send(response, 200, companion.queue.declineAll().map(decisionView))
    const action = /^POST \/api\/approvals\/(\d+)\/(approve|decline)$/.exec(route)
    if (action) {
      const paymentId = Number(action[1])
      const body = action[2] === 'approve' ? ApproveBody.safeParse(await readJson(request)) : undefined
      if (body && !body.success) return send(response, 400, { error: `Invalid approval: ${body.error.issues[0]?.message}` })
      try {
        const decision =
          action[2] === 'approve' ? companion.queue.approve(paymentId, toOption(body!.data!.option), body!.data!.challengeId) : companion.queue.decline(paymentId)
        return send(response, 200, decisionView(decision))
      } catch (error) {
        if (error instanceof Engine.NotPendingError) return send(response, 409, { error: error.message })
        return send(response, 400, { error: (error as Error).message })
      }
    }
    return send(response, 404, { error: 'No such endpoint.' })
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
        for (const stream of streams) stream.end()
        server.close(() => resolve())
        server.closeAllConnections()
      }),
  }
}

export type HttpApi = { url: string; origin: string; token: string; close(): Promise<void> }

const amount = z.string().regex(/^(0|[1-9][0-9]{0,30})$/, 'an amount is an integer string of budget units')
const ApproveBody = z.strictObject({
  option: z
    .union([
      z.literal('once'),
      z.strictObject({ lease: z.strictObject({ minutes: z.number().positive().max(7 * 24 * 60), limit: amount, scope: z.enum(['server', 'target']).optional() }) }),
      z.strictObject({ rule: z.strictObject({ perCallLimit: amount, scope: z.enum(['server', 'target']).optional() }) }),
    ])
    .default('once'),
  challengeId: z.string().max(1024).optional(),
})

function toOption(option: z.infer<typeof ApproveBody>['option']): Engine.answer.Option {
  if (option === 'once') return 'once'
  if ('lease' in option) return { lease: { ...option.lease, limit: BigInt(option.lease.limit) } }
  return { rule: { ...option.rule, perCallLimit: BigInt(option.rule.perCallLimit) } }
}

function matches(given: string | string[] | undefined, token: string): boolean {
  const a = Buffer.from(String(given ?? ''))
  const b = Buffer.from(token)
  return a.length === b.length && timingSafeEqual(a, b)
}

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
        resolve(text ? JSON.parse(text) : {})
      } catch {
        resolve(undefined)
      }
    })
  })
}

function text(response: ServerResponse, status: number, body: string): void {
  response.writeHead(status, { ...RendererFiles.securityHeaders, 'content-type': 'text/plain; charset=utf-8', 'cache-control': 'no-store' })
  response.end(body)
}

function send(response: ServerResponse, status: number, body: unknown): void {
  response.writeHead(status, { 'content-type': 'application/json', 'cache-control': 'no-store' })
  response.end(JSON.stringify(body, jsonable))
}

/** BigInt amounts travel as decimal strings. */
function jsonable(_key: string, value: unknown): unknown {
  return typeof value === 'bigint' ? value.toString() : value
}

function decisionView(decision: Decision) {
  if (decision.kind === 'declined') return { kind: 'declined', paymentId: decision.paymentId, reason: decision.reason, message: decision.message }
  return { kind: decision.kind, paymentId: decision.paymentId }
}
