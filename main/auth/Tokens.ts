import * as Http from './Http.js'

/**
 * The token endpoint and the revocation endpoint (RFC 6749 §4.1.3 and §6, RFC 7009), as a public
 * or confidential client: the code (with its PKCE verifier) and refresh grants, both naming the
 * resource (RFC 8707). An answer is a token only if it looks like one; anything else, a hanging
 * endpoint included, is a {@link TokenError} that says what came instead, and never quotes a
 * token, a code or a secret.
 */
export type Client = {
  clientId: string
  clientSecret?: string | undefined
  authMethod: AuthMethod
}

export type AuthMethod = 'none' | 'client_secret_basic' | 'client_secret_post'

export type TokenSet = {
  accessToken: string
  refreshToken?: string
  /** Epoch ms; absent when the server did not say. */
  expiresAt?: number
  /** The scopes granted, when the server said (else those asked for stand). */
  scopes?: string[]
  idToken?: string
}

export class TokenError extends Error {
  constructor(
    message: string,
    /**
     * `invalid_grant`: the code or refresh token is no good (expired, used, revoked): sign in again.
     * `refused`: another refusal; `garbage`: an answer that is no token; `unreachable`: no answer in time.
     */
    readonly kind: 'invalid_grant' | 'refused' | 'garbage' | 'unreachable',
  ) {
    super(message)
  }
}

/** How long the token endpoint may take: a person is waiting behind it, and an agent behind them. */
export const tokenTimeoutMs = 15_000

export function exchangeCode(endpoint: URL, client: Client, grant: { code: string; verifier: string; redirectUri: string; resource: string }, timeoutMs = tokenTimeoutMs): Promise<TokenSet> {
  return tokenRequest(endpoint, client, { grant_type: 'authorization_code', code: grant.code, code_verifier: grant.verifier, redirect_uri: grant.redirectUri, resource: grant.resource }, timeoutMs)
}

export function refresh(endpoint: URL, client: Client, grant: { refreshToken: string; resource: string }, timeoutMs = tokenTimeoutMs): Promise<TokenSet> {
  return tokenRequest(endpoint, client, { grant_type: 'refresh_token', refresh_token: grant.refreshToken, resource: grant.resource }, timeoutMs)
}

/** Revokes a token (RFC 7009); resolves whether the server said it did. */
export async function revoke(endpoint: URL, client: Client, token: string, hint: 'refresh_token' | 'access_token', timeoutMs = 10_000): Promise<boolean> {
  const { form, headers } = authenticate(client, { token, token_type_hint: hint })
  try {
    const answer = await Http.request(endpoint, { what: `the revocation endpoint of ${endpoint.host}`, form, headers, timeoutMs })
    return answer.status === 200
  } catch {
    return false
  }
}

async function tokenRequest(endpoint: URL, client: Client, grant: Record<string, string>, timeoutMs: number): Promise<TokenSet> {
  const what = `the token endpoint of ${endpoint.host}`
  const { form, headers } = authenticate(client, grant)
  let answer: Http.Answer
  try {
    answer = await Http.request(endpoint, { what, form, headers, timeoutMs })
  } catch (error) {
    throw new TokenError((error as Error).message, 'unreachable')
  }
  if (answer.status !== 200) {
    const body = Http.isObject(answer.json) ? answer.json : {}
    const code = printable(body.error, 64)
    const description = printable(body.error_description, 200)
    const said = code ? `${code}${description ? `: ${description}` : ''}` : `HTTP ${answer.status}`
    throw new TokenError(`${what} refused (${said})`, code === 'invalid_grant' ? 'invalid_grant' : 'refused')
  }
  return readTokenSet(answer.json, what)
}

/** A token endpoint's 200 answer, if it is a bearer token; a TokenError otherwise. */
export function readTokenSet(json: unknown, what = 'the token endpoint', now = Date.now()): TokenSet {
  if (!Http.isObject(json)) throw new TokenError(`${what} answered with something that is not a token`, 'garbage')
  const accessToken = json.access_token
  if (!isTokenText(accessToken)) throw new TokenError(`${what} answered without a usable access token`, 'garbage')
  if (typeof json.token_type !== 'string' || json.token_type.toLowerCase() !== 'bearer') {
    throw new TokenError(`${what} answered with a token of type ${JSON.stringify(printable(json.token_type, 40) ?? null)}, and Allowance uses bearer tokens only`, 'garbage')
  }
  const set: TokenSet = { accessToken }
  if (json.refresh_token !== undefined) {
    if (!isTokenText(json.refresh_token)) throw new TokenError(`${what} answered with a refresh token that is not one`, 'garbage')
    set.refreshToken = json.refresh_token
  }
  const expiresIn = json.expires_in
  if (expiresIn !== undefined) {
    const seconds = typeof expiresIn === 'string' && /^\d+$/.test(expiresIn) ? Number(expiresIn) : expiresIn
    if (typeof seconds !== 'number' || !Number.isFinite(seconds) || seconds <= 0 || seconds > 10 * 365 * 86_400) {
      throw new TokenError(`${what} answered with an expiry that is not a number of seconds`, 'garbage')
    }
    set.expiresAt = now + Math.floor(seconds * 1000)
  }
  if (typeof json.scope === 'string') set.scopes = json.scope.split(/\s+/).filter(Boolean).slice(0, 100)
  if (isTokenText(json.id_token)) set.idToken = json.id_token
  return set
}

/** The client's credentials on a token or revocation request: in the form, or as HTTP Basic. */
function authenticate(client: Client, form: Record<string, string>): { form: Record<string, string>; headers: Record<string, string> } {
  if (client.authMethod === 'client_secret_basic' && client.clientSecret !== undefined) {
    const pair = `${encodeURIComponent(client.clientId)}:${encodeURIComponent(client.clientSecret)}`
    return { form, headers: { authorization: `Basic ${Buffer.from(pair).toString('base64')}` } }
  }
  if (client.authMethod === 'client_secret_post' && client.clientSecret !== undefined) {
    return { form: { ...form, client_id: client.clientId, client_secret: client.clientSecret }, headers: {} }
  }
  return { form: { ...form, client_id: client.clientId }, headers: {} }
}

/** A token as HTTP can carry it in a header: visible ASCII, of a sane length. */
function isTokenText(value: unknown): value is string {
  return typeof value === 'string' && value.length > 0 && value.length <= 16_384 && /^[\x21-\x7e]+$/.test(value)
}

function printable(value: unknown, max: number): string | undefined {
  if (typeof value !== 'string') return undefined
  const text = value.replace(/[^\x20-\x7e]/g, '').trim().slice(0, max)
  return text || undefined
}
