import { readFile } from 'node:fs/promises'
import { dirname, extname, join, resolve, sep } from 'node:path'
import * as Installation from '../shared/Installation.js'

/**
 * The built React UI (`out/renderer`, made by electron-vite) as the headless companion serves it.
 * The files are the public bundle, nothing secret: the page gets the token from its own URL and
 * every API call is checked for it.
 */

/**
 * No inline script or style, no other origin, no framing. The page talks only to its own origin
 * (`connect-src 'self'`), so an injected string could not send anything elsewhere.
 */
export const contentSecurityPolicy =
  "default-src 'none'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; font-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'"

export const securityHeaders = {
  'content-security-policy': contentSecurityPolicy,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  // The page's URL carries the token: never send it on as a referrer.
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
} as const

const types: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.woff2': 'font/woff2',
  '.json': 'application/json',
}

/** `out/renderer` of the installation this module runs from. */
export function locate(): string | undefined {
  const page = Installation.find(join('out', 'renderer', 'index.html'))
  return page && dirname(page)
}

export type File = { body: Buffer; type: string }

/** The file at a URL path under `root`, or undefined for anything that is not a served file (never outside `root`). */
export async function read(root: string, pathname: string): Promise<File | undefined> {
  const relative = pathname === '/' ? 'index.html' : pathname.slice(1)
  const type = types[extname(relative)]
  if (!type || relative.split('/').some((part) => part === '' || part.startsWith('.'))) return undefined
  const path = resolve(root, relative)
  if (!path.startsWith(root + sep)) return undefined
  try {
    return { body: await readFile(path), type }
  } catch {
    return undefined
  }
}
