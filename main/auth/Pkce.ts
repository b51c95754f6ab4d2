import { createHash, randomBytes } from 'node:crypto'

/**
 * The one-flow secrets of an authorization request: the PKCE verifier (RFC 7636) and its S256
 * challenge, and the `state` that ties the browser's answer to this request. They live in the
 * companion's memory for one flow only.
 */
export type Pkce = { verifier: string; challenge: string; method: 'S256' }

export function create(): Pkce {
  const verifier = randomBytes(32).toString('base64url') // 43 characters of the unreserved set
  return { verifier, challenge: challengeOf(verifier), method: 'S256' }
}

export function challengeOf(verifier: string): string {
  return createHash('sha256').update(verifier).digest('base64url')
}

export function state(): string {
  return randomBytes(24).toString('base64url')
}
