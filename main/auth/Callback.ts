import { createServer, type Server, type ServerResponse } from 'node:http'

/**
 * The loopback redirect of one sign-in (RFC 8252 §7.3): an HTTP server on 127.0.0.1, on a port
 * of its own, opened when the flow starts and closed when it ends. It answers `GET /callback`
 * only, and only an answer carrying the flow's `state` is handed on, once; anything else gets a
 * page saying it was ignored, and the flow goes on waiting. Nothing it receives is logged.
 */
export type Callback = {
  redirectUri: string
  port: number
  close(): Promise<void>
}

export type Outcome = { ok: boolean; title: string; message: string }

export async function open(options: open.Options): Promise<Callback> {
  let handled = false
  let origin = ''
  const server: Server = createServer((request, response) => {
    const url = new URL(request.url ?? '/', 'http://127.0.0.1')
    if (request.headers.host !== origin || request.method !== 'GET' || url.pathname !== '/callback') {
      return page(response, 404, { ok: false, title: 'Not found', message: 'This address only takes the answer to a sign-in Allowance started.' })
    }
    if (url.searchParams.get('state') !== options.state) {
      options.onStranger?.()
      return page(response, 400, {
        ok: false,
        title: 'Sign-in answer ignored',
        message: 'This answer does not belong to the sign-in Allowance started (its state does not match), so Allowance ignored it and stored nothing. Finish the sign-in from the Allowance card.',
      })
    }
    if (handled) return page(response, 409, { ok: false, title: 'Already answered', message: 'This sign-in was already answered. You can close this tab.' })
    handled = true
    options.onAnswer(url.searchParams).then(
      (outcome) => page(response, outcome.ok ? 200 : 400, outcome),
      () => page(response, 500, { ok: false, title: 'Sign-in failed', message: 'Allowance could not finish the sign-in.' }),
    )
  })
  server.keepAliveTimeout = 1000
  const port = await listen(server, options.preferredPort)
  origin = `127.0.0.1:${port}`
  return {
    redirectUri: `http://127.0.0.1:${port}/callback`,
    port,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        server.closeIdleConnections()
        // A page still being answered gets its answer first; nothing waits longer.
        setTimeout(() => server.closeAllConnections(), 2000).unref()
      }),
  }
}

export declare namespace open {
  type Options = {
    state: string
    /** A port to try first (one a registered client names); any free one otherwise. */
    preferredPort?: number | undefined
    /** The flow's answer: what the browser then shows. Called once. */
    onAnswer(params: URLSearchParams): Promise<Outcome>
    /** Something reached the callback with another state. */
    onStranger?(): void
  }
}

async function listen(server: Server, preferred: number | undefined): Promise<number> {
  const attempt = (port: number) =>
    new Promise<number>((resolve, reject) => {
      const fail = (error: Error) => reject(error)
      server.once('error', fail)
      server.listen(port, '127.0.0.1', () => {
        server.off('error', fail)
        resolve((server.address() as { port: number }).port)
      })
    })
  if (preferred) {
    try {
      return await attempt(preferred)
    } catch {
      // Busy: any free port will do for an authorization server that follows RFC 8252.
    }
  }
  return attempt(0)
}

function page(response: ServerResponse, status: number, outcome: Outcome): void {
  const escape = (text: string) => text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`)
  const body = `<!doctype html><html lang="en"><head><meta charset="utf-8"><title>${escape(outcome.title)} · Allowance</title><meta name="viewport" content="width=device-width"></head><body style="font-family:system-ui,sans-serif;max-width:36rem;margin:4rem auto;padding:0 1rem;line-height:1.5"><h1 style="font-size:1.4rem">${escape(outcome.title)}</h1><p id="message">${escape(outcome.message)}</p></body></html>`
  response.writeHead(status, {
    'content-type': 'text/html; charset=utf-8',
    'cache-control': 'no-store',
    'content-security-policy': "default-src 'none'; style-src 'unsafe-inline'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'",
    'referrer-policy': 'no-referrer',
    'x-content-type-options': 'nosniff',
  })
  response.end(body)
}
