import type { Logger } from '../shared/Log.js'
import { CompanionError, type CompanionClient } from '../wire/Client.js'
import type { AuthAnswer, ClientRequest, Event } from '../wire/Messages.js'
import type { JSONRPCMessage, JSONRPCRequest } from './JsonRpc.js'
import * as Progress from './Progress.js'
import type { UpstreamError } from './transports/UpstreamError.js'

/**
 * The bridge's side of signing in: it holds the token the companion handed over for this one
 * server, in memory only, and puts it on requests to that server's origin and nowhere else. When
 * the server answers 401 (or 403 for more scopes), or the token is due for renewal, it asks the
 * companion, which refreshes or signs in once for every bridge; the bridge never sees a refresh
 * token, a client secret or the sign-in itself. A bridge given its own `Authorization` header
 * keeps to it and asks for nothing.
 */
export class Authorization {
  private token: { value: string; id: string; expiresAt?: number | undefined; refreshAt?: number | undefined } | undefined
  private asking: Promise<void> | undefined
  private readonly origin: string | undefined
  /** Goes up whenever the token changes: a refusal of an older one needs no new question. */
  generation = 0
  /** Whether this bridge signs in through the companion at all. */
  readonly enabled: boolean

  constructor(private readonly options: Authorization.Options) {
    const { target } = options
    this.origin = target.url.origin
    this.enabled = !Object.keys(target.headers).some((name) => name.toLowerCase() === 'authorization')
  }

  /** The `Authorization` header for a request to `url`: the token goes to its own server only. */
  readonly headerFor = (url: URL): string | undefined => (this.token && url.origin === this.origin ? `Bearer ${this.token.value}` : undefined)

  /**
   * Before a request: a token past its expiry is renewed first (the promise to wait for); one
   * merely due for renewal is renewed in the background while it still works. Nothing to wait
   * for (most calls) is no promise at all, so that a call costs no extra turn of the event loop.
   */
  ready(request?: JSONRPCRequest): Promise<void> | undefined {
    const token = this.token
    if (!token || !this.enabled) return undefined
    const now = Date.now()
    if (token.expiresAt !== undefined && now >= token.expiresAt - 1000) return this.renew({ status: 401 }, this.generation, request)
    if (token.refreshAt !== undefined && now >= token.refreshAt && !this.asking) {
      const ask = this.ask({}, undefined)
      this.asking = ask
      ask.then(
        () => {},
        (error: Error) => this.options.log.warn(`could not renew the token of ${this.options.upstream}: ${error.message}`),
      ).finally(() => {
        if (this.asking === ask) this.asking = undefined
      })
    }
    return undefined
  }

  /**
   * After the server refused a request sent while the token was at `sentWith`: a token that
   * works (asked once for every request refused together), or a {@link SignInNeeded} carrying the
   * companion's sentence. A host request waiting meanwhile hears progress, as for an approval.
   */
  async renew(failure: Pick<UpstreamError, 'status' | 'challenge'>, sentWith: number, request?: JSONRPCRequest): Promise<void> {
    if (this.asking) {
      const problem = await this.asking.then(
        () => undefined,
        (error: unknown) => error,
      )
      if (this.generation !== sentWith) return
      if (problem instanceof SignInNeeded) throw problem
    }
    if (this.generation !== sentWith) return
    const fields: Omit<Extract<ClientRequest, { type: 'auth.token' }>['request'], 'server' | 'host'> = {}
    if (failure.challenge !== undefined) fields.challenge = failure.challenge.slice(0, 8192)
    if (failure.status !== undefined) fields.status = failure.status
    if (this.token) fields.rejected = this.token.id
    const ask = this.ask(fields, request)
    this.asking = ask
    try {
      await ask
    } finally {
      if (this.asking === ask) this.asking = undefined
    }
  }

  /** What the companion says unasked: a sign-out drops the token this bridge holds. */
  onEvent(event: Event): void {
    if (event.event === 'auth.signed-out' && sameServer(event.server, this.options.upstream) && this.token) {
      this.token = undefined
      this.generation++
      this.options.log.info(`signed out of ${this.options.upstream}: the token is dropped`)
    }
  }

  private async ask(fields: Omit<Extract<ClientRequest, { type: 'auth.token' }>['request'], 'server' | 'host'>, request: JSONRPCRequest | undefined): Promise<void> {
    const what = `${this.options.upstream} wants you to sign in`
    const companion = this.options.companion()
    if (!companion) throw new SignInNeeded('companion_unavailable', `${what}, and the Allowance companion is not available.`)
    const stopProgress = Progress.keepAlive(request, { toHost: (message) => this.options.toHost(message), intervalMs: this.options.progressIntervalMs, message: 'Waiting for you to sign in, in Allowance' })
    let answer: AuthAnswer
    try {
      answer = await companion.request<AuthAnswer>({ type: 'auth.token', request: { server: this.options.upstream, host: this.options.host(), ...fields } })
    } catch (error) {
      if (error instanceof CompanionError) throw new SignInNeeded('companion_refused', `${what}, but the Allowance companion refused the request: ${error.message}`)
      throw new SignInNeeded('companion_unavailable', `${what}, but the Allowance companion could not be reached: ${(error as Error).message}`)
    } finally {
      stopProgress()
    }
    if (answer.kind === 'declined') throw new SignInNeeded(answer.reason, answer.message)
    if (this.token?.value !== answer.accessToken) this.generation++
    this.token = { value: answer.accessToken, id: answer.id, expiresAt: answer.expiresAt, refreshAt: answer.refreshAt }
  }
}

export declare namespace Authorization {
  type Options = {
    target: { url: URL; headers: Record<string, string> }
    /** The server as the companion knows it (the bridge's URL). */
    upstream: string
    companion(): CompanionClient | undefined
    host(): { name: string; version?: string }
    toHost(message: JSONRPCMessage): void
    progressIntervalMs: number
    log: Logger
  }
}

/** The server wants a sign-in that did not happen: `message` is the sentence for the agent. */
export class SignInNeeded extends Error {
  constructor(
    readonly reason: string,
    message: string,
  ) {
    super(message)
  }
}

function sameServer(a: string, b: string): boolean {
  try {
    const [x, y] = [new URL(a), new URL(b)]
    x.hash = y.hash = ''
    return x.href === y.href
  } catch {
    return false
  }
}
