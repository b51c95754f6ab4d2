import { chmodSync, existsSync, readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import type { Page } from 'playwright-core'
import { openPage } from './browser.js'
import type { Daemon } from './companion.js'
import { startFixtureServer, stop } from './processes.js'

export type AuthServer = {
  issuer: string
  port: number
  stats(): Promise<AuthStats>
  /** How the token endpoint answers from now on. */
  tokenMode(mode: 'normal' | 'hang' | 'garbage'): Promise<void>
  /** Revokes every refresh token it issued. */
  revokeRefresh(): Promise<number>
  stop(): Promise<void>
}

export type AuthStats = {
  registrations: number
  authorizations: number
  grants: Record<string, number>
  grantErrors: number
  refreshFailures: number
  revocations: number
  issued: { access: string[]; refresh: string[] }
  resources: string[]
  clientIds: string[]
}

/** The tests' authorization server (dist/fixtures/servers/authServer.js); `env` adds its switches. */
export async function startAuthServer(env: Record<string, string> = {}): Promise<AuthServer> {
  const { child, port, base: issuer } = await startFixtureServer('authorization server', 'dist/fixtures/servers/authServer.js', {
    nodeArgs: ['--no-warnings'],
    env: { ...process.env, ...env },
  })
  const post = (path: string, body?: unknown) => fetch(`${issuer}${path}`, { method: 'POST', body: body === undefined ? undefined : JSON.stringify(body) }).then((response) => response.json())
  return {
    issuer,
    port,
    stats: () => fetch(`${issuer}/admin/stats`).then((response) => response.json() as Promise<AuthStats>),
    tokenMode: async (mode) => void (await post('/admin/token-mode', { mode })),
    revokeRefresh: async () => ((await post('/admin/revoke-refresh')) as { revoked: number }).revoked,
    stop: () => stop(child),
  }
}

export type ProtectedServer = {
  url: string
  port: number
  stats(): Promise<{ authorized: number; unauthorized: number; subjects: Record<string, number>; tokens: number }>
  stop(): Promise<void>
}

/** The protected MCP test server, trusting `issuer`; `env` adds the gate's switches (Bearer.ts). */
export async function startProtectedServer(issuer: string, env: Record<string, string> = {}): Promise<ProtectedServer> {
  const { child, port, base } = await startFixtureServer('protected server', 'dist/fixtures/servers/protectedServer.js', { env: { ...process.env, ISSUER: issuer, ...env } })
  return {
    url: `${base}/mcp`,
    port,
    stats: () => fetch(`${base}/admin/stats`).then((response) => response.json()),
    stop: () => stop(child),
  }
}

/**
 * The person pressing **Sign in** on the first sign-in card (waiting up to `timeoutMs` for one):
 * the card, and the authorization URL the companion opened in the (stand-in) browser.
 */
export async function openSignIn<Card extends { id: number } = { id: number }>(
  daemon: Daemon,
  browser: { next(timeoutMs?: number): Promise<string> },
  timeoutMs = 30_000,
): Promise<{ card: Card; url: string }> {
  let card: Card | undefined
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    card = ((await daemon.api('GET', '/api/signins')).body as Card[])[0]
    if (card) break
    if (Date.now() > deadline) throw new Error(`no sign-in card; the companion said:\n${daemon.stderr()}`)
  }
  const opened = await daemon.api('POST', `/api/signins/${card.id}/open`)
  if (opened.status !== 200) throw new Error(`Sign in answered ${opened.status}: ${JSON.stringify(opened.body)}`)
  return { card, url: await browser.next() }
}

/**
 * A stand-in for the user's browser, as `$BROWSER` for `xdg-open`: a script that writes each
 * URL it is asked to open into a file, for the test to open in Chromium.
 */
export function browserStandIn(directory: string): { env: Record<string, string>; opened(): string[]; next(timeoutMs?: number): Promise<string> } {
  const file = join(directory, 'opened-urls.txt')
  const script = join(directory, 'browser.sh')
  writeFileSync(script, `#!/bin/sh\nprintf '%s\\n' "$1" >> '${file}'\n`)
  chmodSync(script, 0o700)
  const opened = () => (existsSync(file) ? readFileSync(file, 'utf8').split('\n').filter(Boolean) : [])
  let taken = 0
  return {
    // No display: xdg-open falls back to $BROWSER.
    env: { BROWSER: script, DISPLAY: '', WAYLAND_DISPLAY: '' },
    opened,
    async next(timeoutMs = 30_000) {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
        const urls = opened()
        if (urls.length > taken) return urls[taken++]!
      }
      throw new Error('the browser was not opened')
    },
  }
}

/**
 * A person at the authorization server's pages, in Chromium: logs in as `user` and consents;
 * resolves with the page the loopback redirect shows (Allowance's), its text.
 */
export async function signInAt(url: string, user = 'alice'): Promise<{ text: string; status: number | undefined }> {
  const browser = await openPage(url)
  try {
    return await loginAndConsent(browser.page, user)
  } finally {
    await browser.close()
  }
}

export async function loginAndConsent(page: Page, user: string): Promise<{ text: string; status: number | undefined }> {
  await page.fill('input[name=login]', user)
  await page.fill('input[name=password]', 'any password')
  await page.click('button[type=submit]')
  await page.waitForSelector('button:has-text("Continue")')
  const [response] = await Promise.all([page.waitForResponse((response) => response.url().includes('/callback'), { timeout: 30_000 }), page.click('button:has-text("Continue")')])
  return { text: await page.locator('body').innerText(), status: response.status() }
}

/**
 * Logs in and consents, but keeps the authorization server's redirect from reaching Allowance:
 * resolves with the redirect's URL (code, state, iss), for a test to deliver as it likes.
 */
export async function consentWithoutRedirect(url: string, user = 'alice'): Promise<URL> {
  const browser = await openPage(url)
  try {
    let redirect: URL | undefined
    // The redirect to the loopback address is a hop of a chain, which routes do not see: the
    // authorization server's redirects are followed here instead, and that one is held.
    const origin = new URL(url).origin
    await browser.page.route(
      (target) => target.origin === origin,
      async (route) => {
        let response = await route.fetch({ maxRedirects: 0 })
        let at = route.request().url()
        for (let hop = 0; hop < 10 && response.status() >= 300 && response.status() < 400; hop++) {
          const next = new URL(response.headers()['location'] ?? '', at)
          if (next.hostname === '127.0.0.1' && next.pathname === '/callback') {
            redirect = next
            return route.fulfill({ status: 200, contentType: 'text/plain', body: 'held by the test' })
          }
          if (next.origin !== origin) break
          response = await browser.page.request.get(next.href, { maxRedirects: 0 })
          at = next.href
        }
        await route.fulfill({ response })
      },
    )
    await browser.page.fill('input[name=login]', user)
    await browser.page.fill('input[name=password]', 'any password')
    await browser.page.click('button[type=submit]')
    await browser.page.waitForSelector('button:has-text("Continue")')
    await browser.page.click('button:has-text("Continue")')
    for (const deadline = Date.now() + 15_000; !redirect && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50))
    if (!redirect) throw new Error('the authorization server did not redirect')
    return redirect
  } finally {
    await browser.close()
  }
}
