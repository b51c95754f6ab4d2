import { protocol, type Session } from 'electron'
import { join } from 'node:path'
import * as RendererFiles from '../companion/RendererFiles.js'

/**
 * Where the app's windows load the React UI from: `allowance://app/`, served by the main process
 * from the built renderer with the headless UI's security headers (its strict CSP among them).
 * A scheme of our own rather than file://: a file:// response has no headers to carry the CSP,
 * and the page's origin is the bundle alone, so `'self'` does not mean every file on the disk.
 */
export const scheme = 'allowance'
const host = 'app'
const page = '/index.html'

/** Call before the app is ready: the scheme gets an origin, secure-context APIs and module scripts. */
export function register(): void {
  protocol.registerSchemesAsPrivileged([{ scheme, privileges: { standard: true, secure: true, supportFetchAPI: true, corsEnabled: true } }])
}

/** Serves the built renderer on the scheme in `session`. */
export function serve(session: Session, root = join(import.meta.dirname, '../renderer')): void {
  session.protocol.handle(scheme, (request) => respond(root, request.url))
}

/** A file of the built renderer with the security headers; 404 for anything else. */
export async function respond(root: string, url: string): Promise<Response> {
  const parsed = new URL(url)
  const file = parsed.host === host ? await RendererFiles.read(root, parsed.pathname) : undefined
  if (!file) return new Response('Not found', { status: 404, headers: RendererFiles.securityHeaders })
  return new Response(new Uint8Array(file.body), { headers: { 'content-type': file.type, ...RendererFiles.securityHeaders } })
}

/** The UI page, with a hash for what it shows (`approval=12` is that payment's popup). */
export function pageUrl(hash?: string): string {
  return `${scheme}://${host}${page}${hash ? `#${hash}` : ''}`
}

/** Whether `url` is the UI page (whatever its hash): the only page that may use the UI API. */
export function isPage(url: string | undefined): boolean {
  if (!url) return false
  try {
    const parsed = new URL(url)
    return parsed.protocol === `${scheme}:` && parsed.host === host && parsed.pathname === page && parsed.search === ''
  } catch {
    return false
  }
}
