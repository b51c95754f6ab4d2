import { createHash } from 'node:crypto'
import { EventEmitter } from 'node:events'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'
import type * as SecretStore from '../wallet/SecretStore.js'
import * as Callback from './Callback.js'
import * as Clients from './Clients.js'
import * as Discovery from './Discovery.js'
import * as Http from './Http.js'
import * as Opener from './Opener.js'
import * as Pkce from './Pkce.js'
import * as Tokens from './Tokens.js'
import * as TokenStore from './TokenStore.js'
import * as WwwAuthenticate from './WwwAuthenticate.js'

/**
 * The companion's OAuth broker: one sign-in per server for every bridge that needs it.
 *
 * A bridge whose server answers 401 asks here for a token. A token kept for that server (in
 * memory, else the keychain) is handed over; one due for renewal is refreshed first; otherwise a
 * sign-in starts. Whatever is under way for a server — a refresh or a sign-in — is the only one:
 * every bridge asking meanwhile waits for it and gets its outcome, so many bridges make one
 * refresh and one sign-in, and a bridge that goes away changes nothing.
 *
 * A sign-in is a card for the human (the desktop popup, the headless page, the tray): **Sign in**
 * opens the system browser on the authorization server (code flow, PKCE S256, `state`, the
 * resource indicator), whose answer comes back to a loopback address opened for this flow only;
 * `iss` is checked (RFC 9207) before the code goes anywhere, and the tokens go to the keychain.
 * **Not now**, the card's timeout, or any refusal gives the bridges one sentence and stores
 * nothing. A refresh that fails asks the human again, once, instead of looping.
 */
export class Broker {
  private readonly servers = new Map<string, ServerState>()
  private readonly requests = new Map<number, Pending>()
  private readonly events = new EventEmitter()
  private nextRequestId = 0
  private closed = false

  constructor(private readonly options: Broker.Options) {}

  /** What a bridge gets: a token for `ask.server`, or one sentence saying why there is none. */
  async token(ask: Broker.Ask): Promise<Broker.Answer> {
    let server: string
    try {
      server = canonicalServer(ask.server)
    } catch (error) {
      return declined('invalid_server', (error as Error).message)
    }
    const challenge = WwwAuthenticate.parse(ask.challenge)
    const stepUp = ask.status === 403 && challenge.error === 'insufficient_scope'
    for (let round = 0; round < 3; round++) {
      const state = this.state(server)
      if (state.flight) {
        // Another agent host asking for the same sign-in is named on its card too.
        for (const request of this.requests.values()) if (request.server === server && !request.view.hosts.includes(ask.host)) request.view.hosts.push(ask.host)
        const outcome = await state.flight.promise
        // A sign-in the human refused is the answer for everyone who waited on it.
        if (outcome.kind === 'declined') return outcome
        continue
      }
      const current = await this.load(state)
      const rejected = current !== undefined && ask.rejected !== undefined && ask.rejected === current.id
      if (current && !rejected && !stepUp && !this.due(current)) return this.answer(current)
      if (current && !rejected && !stepUp && !this.expired(current) && !current.entry.refreshable) return this.answer(current)
      const quiet = state.quietUntil !== undefined && state.quietUntil > this.now()
      const canRefresh = current?.secrets.refreshToken !== undefined && !stepUp
      if (!canRefresh && quiet) return declined(state.quietReason!.reason, state.quietReason!.message)
      return this.fly(state, () => this.renew(state, { ask, challenge, stepUp, current, quiet }))
    }
    return declined('sign_in_failed', `Allowance could not get a token for ${labelOf(server)}.`)
  }

  /**
   * A sign-in a person started (`allowance auth login`, the Servers screen): joins the one under
   * way, or starts one, opening the browser at once. `client` is a client id (and secret) the
   * person registered with the server themselves, kept for it from now on.
   */
  async signIn(serverText: string, options: { by: string; client?: { id: string; secret?: string | undefined } } = { by: 'you' }): Promise<Broker.SignInResult> {
    const server = canonicalServer(serverText)
    if (options.client) {
      await TokenStore.saveClient(this.options.home, { kind: 'static', server, clientId: options.client.id }, options.client.secret, this.options.secretOptions())
      this.log.info(`a client id was given for ${server}`)
    }
    const state = this.state(server)
    state.quietUntil = undefined
    let outcome: Broker.Answer
    if (state.flight) {
      const waiting = [...this.requests.values()].find((request) => request.server === server)
      if (waiting) void this.openRequest(waiting.view.id)
      outcome = await state.flight.promise
    } else {
      outcome = await this.fly(state, () => this.interactive(state, { hosts: [options.by], challenge: {}, stepUp: false, previous: state.current?.entry, open: true }))
    }
    if (outcome.kind === 'declined') return { ok: false, message: outcome.message, url: state.lastUrl }
    const entry = state.current?.entry
    return { ok: true, server, issuer: entry?.issuer ?? '', account: entry?.account, message: `Signed in to ${labelOf(server)}${entry?.account ? ` as ${entry.account}` : ''}.`, url: state.lastUrl }
  }

  /**
   * Starts a sign-in a person asked for on a screen, and answers once its card is up (with the
   * link, the browser opened) or it ended at once (a server that refuses, say).
   */
  async begin(serverText: string, by: string): Promise<{ request: Broker.Request } | { result: Broker.SignInResult }> {
    const server = canonicalServer(serverText)
    const waiting = [...this.requests.values()].find((request) => request.server === server)
    if (waiting) {
      void this.openRequest(waiting.view.id).catch(() => {})
      return { request: waiting.view }
    }
    return new Promise((resolve) => {
      const onAdded = (request: Broker.Request) => {
        if (request.server !== server) return
        this.events.off('added', onAdded)
        resolve({ request })
      }
      this.events.on('added', onAdded)
      this.signIn(server, { by }).then(
        (result) => {
          this.events.off('added', onAdded)
          resolve({ result })
        },
        (error: unknown) => {
          this.events.off('added', onAdded)
          resolve({ result: { ok: false, message: (error as Error).message } })
        },
      )
    })
  }

  /** Signs out of `server`: revokes its tokens where the server offers that, and forgets them. */
  async signOut(serverText: string): Promise<{ removed: number; revoked: boolean; message: string }> {
    const server = canonicalServer(serverText)
    const state = this.state(server)
    const entries = TokenStore.signIns(this.options.home).filter((entry) => entry.server === server)
    let revoked = false
    for (const entry of entries) {
      const secrets = await TokenStore.secrets(this.options.home, entry, this.options.secretOptions()).catch(() => undefined)
      if (secrets && entry.revocationEndpoint) {
        const client = await this.clientOf(entry).catch(() => undefined)
        const endpoint = Http.urlField(entry.revocationEndpoint)
        if (client && endpoint) {
          if (secrets.refreshToken) revoked = (await Tokens.revoke(endpoint, client, secrets.refreshToken, 'refresh_token')) || revoked
          revoked = (await Tokens.revoke(endpoint, client, secrets.accessToken, 'access_token')) || revoked
        }
      }
      await TokenStore.remove(this.options.home, entry, this.options.secretOptions())
    }
    state.current = undefined
    state.loaded = true
    this.log.info(`signed out of ${server} (${entries.length} sign-in(s)${revoked ? ', revoked at the server' : ''})`)
    this.events.emit('signedOut', server)
    this.events.emit('changed')
    const message =
      entries.length === 0
        ? `You were not signed in to ${labelOf(server)}.`
        : `Signed out of ${labelOf(server)}${revoked ? '; its authorization server revoked the tokens' : entries.some((entry) => entry.revocationEndpoint) ? '; its authorization server could not be reached to revoke the tokens, which are forgotten here' : ''}.`
    return { removed: entries.length, revoked, message }
  }

  /** Who is signed in where: what is safe to show (no token). */
  list(): Broker.SignInView[] {
    return TokenStore.signIns(this.options.home).map((entry) => ({
      server: entry.server,
      label: entry.name ?? labelOf(entry.server),
      issuer: entry.issuer,
      account: entry.account ?? null,
      scopes: entry.scopes,
      signedInAt: entry.signedInAt,
      expiresAt: entry.expiresAt ?? null,
      refreshable: entry.refreshable,
      store: entry.store,
    }))
  }

  /** The sign-ins waiting for the human, oldest first. */
  pending(): Broker.Request[] {
    return [...this.requests.values()].map((request) => request.view).sort((a, b) => a.createdAt - b.createdAt)
  }

  /** **Sign in** on a card: opens the browser on the authorization server; answers the link too. */
  async openRequest(id: number): Promise<{ url: string; opened: boolean }> {
    const request = this.requests.get(id)
    if (!request) throw new Broker.NotPendingError(id)
    const opened = await (this.options.openBrowser ?? Opener.open)(request.view.url)
    if (!opened) this.log.warn(`sign-in ${id}: the browser could not be opened; the link is on the card`)
    return { url: request.view.url, opened }
  }

  /** **Not now** on a card. */
  dismiss(id: number): void {
    const request = this.requests.get(id)
    if (!request) throw new Broker.NotPendingError(id)
    request.finish({ kind: 'dismissed' })
  }

  on(event: 'added', listener: (request: Broker.Request) => void): void
  on(event: 'resolved', listener: (request: Broker.Request, outcome: { ok: boolean; message: string }) => void): void
  on(event: 'changed', listener: () => void): void
  on(event: 'signedOut', listener: (server: string) => void): void
  on(event: string, listener: (...args: any[]) => void): void {
    this.events.on(event, listener)
  }

  off(event: string, listener: (...args: any[]) => void): void {
    this.events.off(event, listener)
  }

  /** Ends every sign-in under way (as not now) and closes their loopback addresses. */
  close(): void {
    this.closed = true
    for (const request of this.requests.values()) request.finish({ kind: 'closed' })
    this.events.removeAllListeners()
  }

  private get log(): Logger {
    return this.options.log
  }

  private now(): number {
    return (this.options.now ?? Date.now)()
  }

  private state(server: string): ServerState {
    let state = this.servers.get(server)
    if (!state) {
      state = { server, loaded: false }
      this.servers.set(server, state)
    }
    return state
  }

  /** The sign-in kept for the server, read from the keychain once per run. */
  private async load(state: ServerState): Promise<Current | undefined> {
    if (state.loaded) return state.current
    const entry = TokenStore.find(this.options.home, state.server)
    if (entry) {
      try {
        const secrets = await TokenStore.secrets(this.options.home, entry, this.options.secretOptions())
        if (secrets) state.current = this.current(entry, secrets, this.now())
        else this.log.warn(`the tokens of ${state.server} are missing from the ${entry.store === 'keychain' ? 'keychain' : 'keystore file'}; signing in again`)
      } catch (error) {
        // A locked keystore file or an absent keychain: sign in again rather than fail.
        this.log.warn(`the tokens of ${state.server} could not be read: ${ErrorWords.describe(error)}`)
      }
    }
    state.loaded = true
    return state.current
  }

  private current(entry: TokenStore.SignIn, secrets: TokenStore.Secrets, obtainedAt: number): Current {
    const id = createHash('sha256').update(secrets.accessToken).digest('base64url').slice(0, 22)
    let refreshAt: number | undefined
    if (entry.expiresAt !== undefined) {
      const lifetime = Math.max(0, entry.expiresAt - obtainedAt)
      refreshAt = entry.expiresAt - Math.min(60_000, Math.max(1000, lifetime / 5))
    }
    return { entry, secrets, id, refreshAt }
  }

  private due(current: Current): boolean {
    return current.refreshAt !== undefined && this.now() >= current.refreshAt
  }

  private expired(current: Current): boolean {
    return current.entry.expiresAt !== undefined && this.now() >= current.entry.expiresAt - 1000
  }

  private answer(current: Current): Broker.Answer {
    return {
      kind: 'token',
      accessToken: current.secrets.accessToken,
      id: current.id,
      ...(current.entry.expiresAt !== undefined && { expiresAt: current.entry.expiresAt }),
      ...(current.refreshAt !== undefined && { refreshAt: current.refreshAt }),
    }
  }

  /** Runs the one operation under way for a server; everyone asking meanwhile gets its outcome. */
  private fly(state: ServerState, run: () => Promise<Broker.Answer>): Promise<Broker.Answer> {
    const promise = run().catch((error: unknown): Broker.Answer => {
      this.log.error(`sign-in for ${state.server} failed unexpectedly: ${ErrorWords.describe(error)}`)
      return declined('sign_in_failed', `Allowance could not sign in to ${labelOf(state.server)}: ${ErrorWords.describe(error)}.`)
    })
    const flight = { promise }
    state.flight = flight
    void promise.finally(() => {
      if (state.flight === flight) state.flight = undefined
    })
    return promise
  }

  /** A refresh where one can be made, else (or when it fails) a sign-in with the human. */
  private async renew(state: ServerState, context: RenewContext): Promise<Broker.Answer> {
    const { current } = context
    if (current?.secrets.refreshToken !== undefined && !context.stepUp) {
      const refreshed = await this.refresh(state, current)
      if (refreshed.kind === 'token') return refreshed
      if (refreshed.kind === 'keep') return this.answer(current)
      if (refreshed.kind === 'unreachable') return declined('auth_server_unreachable', refreshed.message)
      // The refresh token is no good: the human signs in again (once; the card says why).
      if (context.quiet) return declined(state.quietReason!.reason, state.quietReason!.message)
    }
    return this.interactive(state, { hosts: [context.ask.host], challenge: context.challenge, stepUp: context.stepUp, previous: current?.entry ?? state.previous, open: false })
  }

  private async refresh(state: ServerState, current: Current): Promise<Broker.Answer | { kind: 'keep' } | { kind: 'unreachable'; message: string } | { kind: 'invalid' }> {
    const { entry } = current
    const endpoint = Http.urlField(entry.tokenEndpoint)
    let set: Tokens.TokenSet
    try {
      const client = await this.clientOf(entry)
      set = await Tokens.refresh(endpoint!, client, { refreshToken: current.secrets.refreshToken!, resource: entry.resource }, this.options.tokenTimeoutMs)
    } catch (error) {
      if (error instanceof Tokens.TokenError && error.kind === 'unreachable') {
        this.log.warn(`refreshing the token of ${state.server} failed: ${error.message}`)
        // Still valid: keep using it, and try again at the next ask.
        if (!this.expired(current)) return { kind: 'keep' }
        return { kind: 'unreachable', message: `Allowance could not renew the sign-in to ${labelOf(state.server)}: ${error.message}. Try again in a moment.` }
      }
      this.log.warn(`the refresh token of ${state.server} was refused (${(error as Error).message}); asking the human to sign in again`)
      state.previous = entry
      state.current = undefined
      await TokenStore.remove(this.options.home, entry, this.options.secretOptions()).catch(() => {})
      this.events.emit('changed')
      return { kind: 'invalid' }
    }
    const now = this.now()
    const secrets: TokenStore.Secrets = { accessToken: set.accessToken, refreshToken: set.refreshToken ?? current.secrets.refreshToken }
    const saved = await TokenStore.update(
      this.options.home,
      entry,
      secrets,
      { expiresAt: set.expiresAt, scopes: set.scopes ?? entry.scopes, refreshable: secrets.refreshToken !== undefined },
      this.options.secretOptions(),
    )
    state.current = this.current(saved, secrets, now)
    this.log.info(`refreshed the token of ${state.server}`)
    this.events.emit('changed')
    return this.answer(state.current)
  }

  /** The client a sign-in was made with, its secret read from the keychain. */
  private async clientOf(entry: TokenStore.SignIn): Promise<Tokens.Client> {
    const stored = TokenStore.clients(this.options.home).find((client) =>
      client.clientId === entry.clientId && (client.kind === 'static' ? client.server === entry.server : client.issuer === entry.issuer),
    )
    const secret = stored ? await TokenStore.clientSecret(this.options.home, stored, this.options.secretOptions()) : undefined
    return { clientId: entry.clientId, clientSecret: secret, authMethod: entry.authMethod }
  }

  /** A sign-in with the human: discovery, a card, the browser, the loopback answer, the tokens. */
  private async interactive(state: ServerState, context: InteractiveContext): Promise<Broker.Answer> {
    const { server } = state
    const label = labelOf(server)
    const fail = (why: string, quietMs = failureQuietMs): Broker.Answer => {
      const answer = declined('sign_in_failed', `Allowance could not sign in to ${label}: ${why}. Nothing was stored.`)
      this.quiet(state, answer, quietMs)
      this.log.warn(`sign-in to ${server} refused: ${why}`)
      return answer
    }
    if (this.closed) return declined('companion_closing', 'The Allowance companion is stopping.')
    let resource: Discovery.ProtectedResource
    let as: Discovery.AuthorizationServer
    let plan: Clients.Plan
    const timeoutMs = this.options.discoveryTimeoutMs
    try {
      const serverUrl = new URL(server)
      const challenge = context.challenge.resourceMetadata !== undefined ? context.challenge : { ...context.challenge, ...(await probe(serverUrl, timeoutMs)) }
      resource = await Discovery.protectedResource(serverUrl, challenge, timeoutMs)
      as = await Discovery.authorizationServer(resource.issuer, timeoutMs)
      plan = await Clients.plan({ home: this.options.home, server, authorizationServer: as, metadataUrl: this.options.metadataUrl(), options: this.options.secretOptions() })
      context = { ...context, challenge }
    } catch (error) {
      return fail(error instanceof Discovery.DiscoveryError || error instanceof Http.HttpError ? error.message : ErrorWords.describe(error))
    }
    const scopes = scopesFor({ challenge: context.challenge.scopes, resource, as, previous: context.stepUp ? context.previous?.scopes : undefined })
    const display = resource.name ?? label
    const pkce = Pkce.create()
    const flowState = Pkce.state()
    let finish!: (result: FlowResult) => void
    const finished = new Promise<FlowResult>((resolve) => (finish = resolve))
    let settled = false
    const end = (result: FlowResult) => {
      if (settled) return
      settled = true
      finish(result)
    }
    let client: { client: Tokens.Client; kind: TokenStore.ClientKind } | undefined
    let callback: Callback.Callback
    try {
      callback = await Callback.open({
        state: flowState,
        preferredPort: plan.kind === 'registered' ? plan.preferredPort : undefined,
        onStranger: () => this.log.warn(`sign-in to ${server}: the loopback address got an answer with another state; ignored`),
        onAnswer: async (params) => {
          const result = await this.complete({ params, as, resource, client: client!, pkce, redirectUri: callback.redirectUri, scopes, server, label: display })
          end(result)
          return result.ok
            ? { ok: true, title: 'Signed in', message: `Allowance is signed in to ${display}${result.entry.account ? ` as ${result.entry.account}` : ''}. You can close this tab and go back to your agent.` }
            : { ok: false, title: 'Sign-in refused', message: result.message }
        },
      })
    } catch (error) {
      return fail(`no loopback address could be opened for the answer (${ErrorWords.describe(error)})`)
    }
    try {
      client = await Clients.settle(plan, { home: this.options.home, authorizationServer: as, redirectUri: callback.redirectUri, options: this.options.secretOptions(), software: { version: this.options.version } })
    } catch (error) {
      await callback.close()
      return fail(error instanceof Discovery.DiscoveryError || error instanceof Http.HttpError ? error.message : ErrorWords.describe(error))
    }
    const url = new URL(as.authorizationEndpoint)
    const params: Record<string, string> = {
      response_type: 'code',
      client_id: client.client.clientId,
      redirect_uri: callback.redirectUri,
      state: flowState,
      code_challenge: pkce.challenge,
      code_challenge_method: pkce.method,
      resource: resource.resource,
    }
    if (scopes.length) params.scope = scopes.join(' ')
    for (const [name, value] of Object.entries(params)) url.searchParams.set(name, value)
    state.lastUrl = url.href

    const id = ++this.nextRequestId
    const createdAt = this.now()
    const view: Broker.Request = {
      id,
      server,
      label: display,
      issuer: as.issuer,
      authorizationHost: new URL(as.issuer).host,
      account: context.previous?.account ?? null,
      reason: context.stepUp ? 'more_access' : context.previous ? 'expired' : 'first',
      scopes,
      hosts: [...new Set(context.hosts)],
      url: url.href,
      createdAt,
      expiresAt: createdAt + this.options.signInTimeoutMs,
    }
    const timer = setTimeout(() => end({ kind: 'timeout' }), this.options.signInTimeoutMs)
    timer.unref()
    const pending: Pending = { server, view, finish: end }
    this.requests.set(id, pending)
    this.log.info(`sign-in ${id} to ${server} waits for the human (authorization server ${as.issuer}, ${client.kind} client)`)
    this.events.emit('added', view)
    if (context.open) void this.openRequest(id).catch(() => {})

    const result = await finished
    clearTimeout(timer)
    this.requests.delete(id)
    await callback.close()
    let answer: Broker.Answer
    if ('ok' in result && result.ok) {
      const done = result
      state.current = this.current(done.entry, done.secrets, this.now())
      state.loaded = true
      state.quietUntil = undefined
      state.previous = undefined
      answer = this.answer(state.current)
      this.log.info(`sign-in ${id}: signed in to ${server}${done.entry.account ? ` as ${done.entry.account}` : ''}`)
      this.events.emit('changed')
    } else if ('ok' in result) {
      // A card the person answered, refused: not shown again at once.
      answer = fail(result.why, notNowQuietMs)
    } else if (result.kind === 'dismissed') {
      answer = declined('not_now', `${label} needs you to sign in, and you chose Not now in Allowance. Sign in from Allowance (Servers) or with \`allowance auth login ${server}\`, then try again.`)
      this.quiet(state, answer, notNowQuietMs)
      this.log.info(`sign-in ${id} to ${server}: not now`)
    } else if (result.kind === 'timeout') {
      answer = declined('sign_in_timeout', `${label} needs you to sign in, and nobody answered the sign-in in Allowance within ${Math.round(this.options.signInTimeoutMs / 60_000) || 1} min. Sign in from Allowance (Servers) or with \`allowance auth login ${server}\`, then try again.`)
      this.quiet(state, answer, notNowQuietMs)
      this.log.info(`sign-in ${id} to ${server} timed out`)
    } else {
      answer = declined('companion_closing', 'The Allowance companion stopped before the sign-in finished.')
    }
    this.events.emit('resolved', view, { ok: answer.kind === 'token', message: answer.kind === 'token' ? `Signed in to ${label}.` : answer.message })
    return answer
  }

  /** The loopback answer: `iss` first (RFC 9207), then the code for tokens, then the keychain. */
  private async complete(flow: CompleteContext): Promise<Completed> {
    const { params, as, resource, client, pkce, redirectUri, scopes, server, label } = flow
    const refuse = (why: string): Completed => ({ ok: false, why, message: `Allowance could not sign in to ${label}: ${why}. Nothing was stored.` })
    const iss = params.get('iss')
    if (iss !== null && iss !== as.issuer) {
      // A mix-up: the answer is from another server than the one asked. Its error, if any, is not shown.
      return refuse(`the answer says it comes from ${iss.slice(0, 200)}, not from ${as.issuer}, the authorization server Allowance asked`)
    }
    if (iss === null && as.issParameterSupported) return refuse(`the answer does not say which authorization server sent it, which ${as.issuer} promises to do`)
    const error = params.get('error')
    if (error !== null) {
      const description = params.get('error_description')
      const said = `${error.slice(0, 64)}${description ? `: ${description.replace(/[^\x20-\x7e]/g, '').slice(0, 200)}` : ''}`
      return refuse(error === 'access_denied' ? `the sign-in was refused at ${new URL(as.issuer).host} (${said})` : `${new URL(as.issuer).host} answered with an error (${said})`)
    }
    const code = params.get('code')
    if (!code) return refuse('the answer carries no authorization code')
    let set: Tokens.TokenSet
    try {
      set = await Tokens.exchangeCode(as.tokenEndpoint, client.client, { code, verifier: pkce.verifier, redirectUri, resource: resource.resource }, this.options.tokenTimeoutMs)
    } catch (error) {
      return refuse((error as Error).message)
    }
    const account = accountOf(set.idToken, as.issuer, client.client.clientId)
    const secrets: TokenStore.Secrets = { accessToken: set.accessToken, ...(set.refreshToken !== undefined && { refreshToken: set.refreshToken }) }
    try {
      const entry = await TokenStore.save(
        this.options.home,
        {
          server,
          resource: resource.resource,
          name: resource.name,
          issuer: as.issuer,
          account,
          scopes: set.scopes ?? scopes.filter((scope) => scope !== 'openid' && scope !== 'offline_access'),
          clientId: client.client.clientId,
          authMethod: client.client.authMethod,
          clientKind: client.kind,
          tokenEndpoint: as.tokenEndpoint.href,
          revocationEndpoint: as.revocationEndpoint?.href,
          signedInAt: this.now(),
          expiresAt: set.expiresAt,
          refreshable: set.refreshToken !== undefined,
        },
        secrets,
        this.options.secretOptions(),
      )
      return { ok: true, entry, secrets }
    } catch (error) {
      return refuse(`the tokens could not be kept: ${ErrorWords.describe(error)}`)
    }
  }

  private quiet(state: ServerState, answer: Broker.Answer, ms: number): void {
    if (answer.kind !== 'declined') return
    state.quietUntil = this.now() + ms
    state.quietReason = answer
  }
}

export declare namespace Broker {
  type Options = {
    home: string
    log: Logger
    version: string
    /** Opens secrets kept in an encrypted file (the wallet's passphrase, when given this run). */
    secretOptions(): SecretStore.Options
    /** Allowance's client metadata document URL (settings.json), or null to register instead. */
    metadataUrl(): string | null
    /** How long a sign-in card waits for the human. */
    signInTimeoutMs: number
    tokenTimeoutMs?: number
    discoveryTimeoutMs?: number
    /** The platform opener, unless a test or the desktop app gives another. */
    openBrowser?: (url: string) => Promise<boolean>
    now?: () => number
  }

  type Ask = {
    server: string
    /** The server's `WWW-Authenticate` header. */
    challenge?: string | undefined
    status?: number | undefined
    /** The id of the token the server refused (as this broker gave it). */
    rejected?: string | undefined
    /** Who asks: the agent host's name. */
    host: string
  }

  /** The token travels to the bridge in memory and is never logged. */
  type Answer =
    | { kind: 'token'; accessToken: string; id: string; expiresAt?: number; refreshAt?: number }
    | { kind: 'declined'; reason: string; message: string }

  type Request = {
    id: number
    server: string
    /** The server's name for people (its metadata's, else its host). */
    label: string
    issuer: string
    authorizationHost: string
    /** The account signed in before, when this is a renewal. */
    account: string | null
    reason: 'first' | 'expired' | 'more_access'
    scopes: string[]
    /** The agent hosts that asked. */
    hosts: string[]
    /** The authorization request: no secret, shown so that it can be opened by hand. */
    url: string
    createdAt: number
    expiresAt: number
  }

  type SignInView = {
    server: string
    label: string
    issuer: string
    account: string | null
    scopes: string[]
    signedInAt: number
    expiresAt: number | null
    refreshable: boolean
    store: SecretStore.Kind
  }

  type SignInResult =
    | { ok: true; server: string; issuer: string; account?: string | undefined; message: string; url?: string | undefined }
    | { ok: false; message: string; url?: string | undefined }
}

export namespace Broker {
  export class NotPendingError extends Error {
    constructor(id: number) {
      super(`Sign-in ${id} no longer waits for you.`)
    }
  }
}

type Current = { entry: TokenStore.SignIn; secrets: TokenStore.Secrets; id: string; refreshAt?: number | undefined }

type ServerState = {
  server: string
  loaded: boolean
  current?: Current | undefined
  /** The sign-in whose refresh failed, to name its account on the next card. */
  previous?: TokenStore.SignIn | undefined
  flight?: { promise: Promise<Broker.Answer> } | undefined
  /** After Not now, a timeout or a refusal: bridges hear the same sentence without a new card until then. */
  quietUntil?: number | undefined
  quietReason?: { reason: string; message: string } | undefined
  lastUrl?: string | undefined
}

type Pending = { server: string; view: Broker.Request; finish(result: FlowResult): void }

type Completed = { ok: true; entry: TokenStore.SignIn; secrets: TokenStore.Secrets } | { ok: false; why: string; message: string }
type FlowResult = Completed | { kind: 'dismissed' | 'timeout' | 'closed' }

type RenewContext = { ask: Broker.Ask; challenge: WwwAuthenticate.Bearer; stepUp: boolean; current: Current | undefined; quiet: boolean }
type InteractiveContext = { hosts: string[]; challenge: WwwAuthenticate.Bearer; stepUp: boolean; previous: TokenStore.SignIn | undefined; open: boolean }
type CompleteContext = {
  params: URLSearchParams
  as: Discovery.AuthorizationServer
  resource: Discovery.ProtectedResource
  client: { client: Tokens.Client; kind: TokenStore.ClientKind }
  pkce: Pkce.Pkce
  redirectUri: string
  scopes: string[]
  server: string
  label: string
}

const notNowQuietMs = 10 * 60_000
const failureQuietMs = 60_000

function declined(reason: string, message: string): Broker.Answer {
  return { kind: 'declined', reason, message }
}

/** The server as bridges and the CLI name it, in one spelling: an http(s) URL without a fragment. */
export function canonicalServer(text: string): string {
  let url: URL
  try {
    url = new URL(text)
  } catch {
    throw new Error(`"${text.slice(0, 200)}" is not a server URL.`)
  }
  if (url.protocol !== 'https:' && url.protocol !== 'http:') throw new Error(`${url.href} is not an http(s) server, so there is nothing to sign in to.`)
  url.hash = ''
  return url.href
}

/** A server's name in a sentence: its host. */
export function labelOf(server: string): string {
  try {
    return new URL(server).host
  } catch {
    return server
  }
}

/**
 * The scopes to ask for: those the server's challenge names, else those its metadata lists
 * (MCP's scope selection), with the ones granted before on a step-up; then `offline_access` for a
 * refresh token and `openid` to learn the account's name, where the authorization server has them.
 */
export function scopesFor(parameters: { challenge?: string[] | undefined; resource: Discovery.ProtectedResource; as: Discovery.AuthorizationServer; previous?: string[] | undefined }): string[] {
  const wanted = parameters.challenge ?? parameters.resource.scopesSupported ?? []
  const scopes = new Set([...(parameters.previous ?? []), ...wanted])
  const offered = parameters.as.scopesSupported ?? []
  if (offered.includes('offline_access')) scopes.add('offline_access')
  if (offered.includes('openid')) scopes.add('openid')
  return [...scopes]
}

/**
 * Whom the tokens act as, from an id token that came straight from the token endpoint (OpenID
 * Connect Core §3.1.3.7: TLS stands for its signature there), if it is for this client from this
 * issuer: its email, user name, name or subject. For the card and the Servers screen only.
 */
export function accountOf(idToken: string | undefined, issuer: string, clientId: string): string | undefined {
  if (!idToken) return undefined
  try {
    const claims = JSON.parse(Buffer.from(idToken.split('.')[1] ?? '', 'base64url').toString('utf8')) as Record<string, unknown>
    const audience = Array.isArray(claims.aud) ? claims.aud : [claims.aud]
    if (claims.iss !== issuer || !audience.includes(clientId)) return undefined
    for (const claim of ['email', 'preferred_username', 'name', 'sub']) {
      const value = claims[claim]
      if (typeof value === 'string' && value.trim()) return value.replace(/[^\x20-\x7e\u00a0-\uffff]/g, '').trim().slice(0, 100)
    }
  } catch {}
  return undefined
}

/** An unauthenticated request to the server, for the `WWW-Authenticate` of its 401 (when a person signs in first). */
async function probe(server: URL, timeoutMs?: number): Promise<WwwAuthenticate.Bearer> {
  try {
    const answer = await Http.request(server, {
      what: server.host,
      json: { jsonrpc: '2.0', id: 'allowance-sign-in', method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'allowance', version: '0' } } },
      headers: { accept: 'application/json, text/event-stream' },
      ...(timeoutMs !== undefined && { timeoutMs }),
    })
    return answer.status === 401 || answer.status === 403 ? WwwAuthenticate.parse(answer.headers.get('www-authenticate') ?? undefined) : {}
  } catch {
    return {}
  }
}
