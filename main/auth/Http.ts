import * as ErrorWords from '../shared/ErrorWords.js'

/**
 * The companion's requests to servers and authorization servers while signing in: each has a
 * deadline, a size limit on what it reads, and never follows a redirect where a secret travels
 * (a code, a refresh token, a client secret). Failures are {@link HttpError}s whose message is a
 * sentence fragment a person reads ("the token endpoint did not answer within 15 s").
 */
export class HttpError extends Error {
  constructor(
    message: string,
    /** The HTTP status, when the server answered. */
    readonly status?: number,
    /** The JSON body of an error answer (`{error, error_description}`), when it had one. */
    readonly body?: unknown,
  ) {
    super(message)
  }
}

export type Answer = { status: number; headers: Headers; text: string; json: unknown }

/** Every request's deadline unless the caller gives one. */
export const defaultTimeoutMs = 15_000
const maxBody = 256 * 1024

export async function request(url: URL, init: request.Init): Promise<Answer> {
  const { what, timeoutMs = defaultTimeoutMs } = init
  const headers: Record<string, string> = { accept: 'application/json', ...init.headers }
  let body: string | undefined
  if (init.form) {
    body = new URLSearchParams(init.form).toString()
    headers['content-type'] = 'application/x-www-form-urlencoded'
  } else if (init.json !== undefined) {
    body = JSON.stringify(init.json)
    headers['content-type'] = 'application/json'
  }
  const signal = AbortSignal.timeout(timeoutMs)
  let response: Response
  try {
    response = await fetch(url, { method: init.method ?? (body === undefined ? 'GET' : 'POST'), headers, body, redirect: init.followRedirects ? 'follow' : 'manual', signal })
  } catch (error) {
    if (signal.aborted) throw new HttpError(`${what} did not answer within ${Math.round(timeoutMs / 1000)} s`)
    throw new HttpError(`${what} could not be reached: ${ErrorWords.describe(error)}`)
  }
  let text: string
  try {
    text = await readLimited(response, maxBody)
  } catch (error) {
    if (signal.aborted) throw new HttpError(`${what} did not finish its answer within ${Math.round(timeoutMs / 1000)} s`, response.status)
    throw new HttpError(`${what}'s answer broke off: ${ErrorWords.describe(error)}`, response.status)
  }
  let json: unknown
  try {
    json = text ? JSON.parse(text) : undefined
  } catch {
    json = undefined
  }
  return { status: response.status, headers: response.headers, text, json }
}

export declare namespace request {
  type Init = {
    /** What is asked, for the sentence: "the token endpoint of auth.example.com". */
    what: string
    method?: 'GET' | 'POST'
    headers?: Record<string, string>
    form?: Record<string, string>
    json?: unknown
    timeoutMs?: number
    /** Only for documents anyone may read (metadata): never where a secret is sent. */
    followRedirects?: boolean
  }
}

/** A JSON object from `url` with status 200, or an HttpError saying what came instead. */
export async function getJson(url: URL, what: string, timeoutMs?: number): Promise<Record<string, unknown>> {
  const answer = await request(url, { what, followRedirects: true, ...(timeoutMs !== undefined && { timeoutMs }) })
  if (answer.status !== 200) throw new HttpError(`${what} answered HTTP ${answer.status}`, answer.status)
  if (!isObject(answer.json)) throw new HttpError(`${what} is not a JSON object`, answer.status)
  return answer.json
}

export function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value)
}

async function readLimited(response: Response, limit: number): Promise<string> {
  if (!response.body) return ''
  const reader = response.body.getReader()
  const chunks: Uint8Array[] = []
  let size = 0
  for (;;) {
    const { done, value } = await reader.read()
    if (done) break
    size += value.byteLength
    if (size > limit) {
      await reader.cancel().catch(() => {})
      throw new Error(`the answer is larger than ${limit / 1024} KB`)
    }
    chunks.push(value)
  }
  return Buffer.concat(chunks).toString('utf8')
}

/** Whether `url` is on this machine (127.0.0.0/8, ::1 or localhost): plain http is then acceptable. */
export function isLoopback(url: URL): boolean {
  const host = url.hostname
  return host === 'localhost' || host === '[::1]' || /^127(\.\d{1,3}){3}$/.test(host)
}

/** https, or http on this machine only: what every authorization endpoint must be. */
export function secureEnough(url: URL): boolean {
  return url.protocol === 'https:' || (url.protocol === 'http:' && isLoopback(url))
}

/** An absolute http(s) URL from a metadata field, or undefined. */
export function urlField(value: unknown): URL | undefined {
  if (typeof value !== 'string' || value.length > 2000) return undefined
  try {
    const url = new URL(value)
    return url.protocol === 'https:' || url.protocol === 'http:' ? url : undefined
  } catch {
    return undefined
  }
}
