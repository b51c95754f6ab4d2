import type { Decision } from '../approvals/Decision.js'
import { Broker, canonicalServer } from '../auth/Broker.js'
import * as Clients from '../auth/Clients.js'
import * as Batcher from '../approvals/Batcher.js'
import * as Outcome from '../approvals/Outcome.js'
import * as Queue from '../approvals/Queue.js'
import * as Message from '../approvals/Message.js'
import * as Database from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import { recover } from '../ledger/Recovery.js'
import type * as Scope from '../ledger/Scope.js'
import * as Settings from '../ledger/Settings.js'
import * as Subscriptions from '../ledger/Subscriptions.js'
import * as Amount from '../payments/Amount.js'
import * as Challenge from '../payments/Challenge.js'
import * as Signer from '../payments/Signer.js'
import * as Methods from '../payments/methods/Methods.js'
import * as StripeApi from '../payments/StripeApi.js'
import * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Cached from '../shared/Cached.js'
import * as Home from '../shared/Home.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'
import * as Card from '../wallet/Card.js'
import * as SecretStore from '../wallet/SecretStore.js'
import * as Wallet from '../wallet/Wallet.js'
import * as Outlook from '../approvals/Outlook.js'
import * as ServerSettings from '../ledger/ServerSettings.js'
import * as Config from './Config.js'
import * as Discovery from './Discovery.js'
import * as Funds from './Funds.js'
import * as FeeBounds from './FeeBounds.js'
import type * as Messages from '../wire/Messages.js'
import type * as Schemas from '../wire/Schemas.js'
import * as Renewals from './Renewals.js'
import * as Sessions from './Sessions.js'
import * as SessionTurns from './SessionTurns.js'
import * as Settlements from './Settlements.js'
import * as WalletKey from './WalletKey.js'
import { ProtocolError, type Connection, type Handler } from './SocketServer.js'

export const companionVersion = '0.1.0'

/** A ledger row moved: the faces (UI, tray, notifications) refresh or tell the user. */
export type PaymentEvent = {
  paymentId: number
  /** `accepted`: the server took the credential; `confirmed` / `unconfirmed`: what the settlement check found. */
  stage: 'approved' | 'declined' | 'accepted' | 'confirmed' | 'unconfirmed' | 'failed'
  /** `rule:<id>`, `lease:<id>` or `human`, for approvals. */
  decidedBy?: string
}

/**
 * The companion core: the single authority over money for one ALLOWANCE_HOME. It owns the ledger,
 * the token registry and the approval queue, and answers bridges. It does not depend on Electron:
 * the daemon and the desktop app host the same core.
 */
export class Companion implements Handler {
  readonly startedAt = new Date()
  /** Where a person answers: the headless UI's address, set by the daemon that serves it. */
  uiAddress: string | undefined
  /** Payment requests waiting for a human, by connection and request id, for cancellation. */
  private readonly asking = new Map<string, number>()
  private readonly connections = new Set<Connection>()
  /**
   * The host requests each connection has been handed a credential for: call name → that payment.
   * A challenge for the same call again would pay twice.
   */
  private readonly calls = new Map<number, Map<string, number>>()
  /** Payments whose credential a connection holds and whose outcome only it may report. */
  private readonly owners = new Map<number, number>()
  /** The wallet's key, and the passphrase that opens it where there is no keychain: in memory only. */
  private readonly walletKey: WalletKey.WalletKey
  private readonly paymentListeners = new Set<(event: PaymentEvent) => void>()

  private constructor(
    readonly home: string,
    readonly db: Database.Database,
    readonly queue: Queue.Queue,
    private readonly configured: () => Configured,
    private readonly log: Logger,
    readonly settlements: Settlements.Settlements,
    /** Bounds of the network fees that paying may cost the wallet, fetched ahead of a decision. */
    private readonly fees: FeeBounds.FeeBounds,
    /** The servers' discovery documents, looked at off the calls' path. */
    readonly discovery: Discovery.Discovery,
  ) {
    this.funds = Funds.create({
      db,
      home,
      registry: () => configured().registry,
      config: () => configured().config,
      address: () => this.walletKey.state()?.address,
      notify: (notice) => this.notice(notice),
      log,
      intervalMs: configured().config.balances.checkSeconds * 1000,
    })
    this.walletKey = WalletKey.create(home)
    this.sessions = Sessions.create({
      db,
      log,
      account: () => this.walletKey.account(),
      rpc: () => configured().config.rpc,
      expirySeconds: () => configured().config.sessions.expirySeconds,
      onChange: (paymentId, stage) => this.emit({ paymentId, stage }),
      watch: (paymentId) => settlements.watch(paymentId),
    })
    this.renewals = Renewals.create({
      db,
      config: () => configured().config,
      registry: () => configured().registry,
      payer: () => this.walletKey.state()?.address,
      log,
      onCharge: (paymentId, beyondTerms) => {
        this.emit({ paymentId, stage: 'confirmed', decidedBy: Payments.get(db, paymentId)?.decidedBy ?? undefined })
        if (beyondTerms) {
          this.log.warn(`payment ${paymentId}: ${beyondTerms}`)
          this.notice({ title: 'A subscription charged beyond its terms', body: `${beyondTerms} Cancel it in Rules & budgets to revoke its access key.` })
        }
      },
      intervalMs: 60_000,
    })
    this.cardInfo = Cached.fromFile(Card.infoPath(home), () => Card.info(home))
    this.auth = new Broker({
      home,
      log,
      version: companionVersion,
      secretOptions: () => this.walletKey.secretOptions(),
      metadataUrl: () => {
        const configured = this.config.oauth.clientMetadataUrl
        return configured === undefined ? Clients.defaultMetadataUrl : configured
      },
      signInTimeoutMs: Number(process.env.ALLOWANCE_SIGNIN_TIMEOUT_MS) || 5 * 60_000,
    })
    // Bridges of a server signed out of drop the token they hold.
    this.auth.on('signedOut', (server) => {
      for (const connection of this.connections) {
        if (connection.role === 'bridge' && connection.upstream !== undefined && sameServer(connection.upstream, server)) {
          connection.notify?.({ v: 2, event: 'auth.signed-out', server })
        }
      }
    })
  }

  /** The subscriptions' later charges, found on chain. */
  readonly renewals: Renewals.Renewals
  /** The OAuth broker: sign-ins to servers, their tokens in the keychain, one flow per server for every bridge. */
  readonly auth: Broker
  /** The wallet's balances and the card, watched for what would make payments fail. */
  readonly funds: Funds.Funds
  /** The wallet's tempo session channels: their vouchers, top-ups and closing. */
  readonly sessions: Sessions.Sessions
  private readonly sessionTurns = SessionTurns.create()
  private readonly noticeListeners = new Set<(notice: Notice) => void>()

  /** Calls `listener` with what the user should hear without asking (money running out, a failing card); returns the unsubscribe. */
  onNotice(listener: (notice: Notice) => void): () => void {
    this.noticeListeners.add(listener)
    return () => this.noticeListeners.delete(listener)
  }

  private notice(notice: Notice): void {
    for (const listener of this.noticeListeners) {
      try {
        listener(notice)
      } catch (error) {
        this.log.error(`a notice listener failed: ${ErrorWords.describe(error)}`)
      }
    }
  }

  /** The card a `stripe` charge is paid with, if one is set up: what is safe to show of it, read again only when the CLI changes the card. */
  readonly cardInfo: () => Card.Info | undefined

  /** The user's settings.json as of now: edits (by hand, or by `allowance demo`) apply to the next payment. */
  get config(): Config.Config {
    return this.configured().config
  }

  /** The token registry: the built-in tokens and those of settings.json. */
  get registry(): TokenRegistry.Registry {
    return this.configured().registry
  }

  /** Opens the ledger, resolves what a crash left in flight, and reads the user's settings.json. */
  static open(home: string, log: Logger): Companion {
    const paths = Home.paths(home)
    const configured = watchConfig(paths.config, log)
    configured()
    const db = Database.open(paths.database)
    const recovered = recover(db, Date.now())
    if (recovered.declined.length || recovered.sent.length) {
      log.warn(`recovered after a restart: ${recovered.declined.length} payment(s) declined, ${recovered.sent.length} to be checked on chain (money may have moved)`)
    }
    let companion: Companion | undefined
    const fees = FeeBounds.create({ registry: () => configured().registry, rpc: () => configured().config.rpc, payer: () => companion?.wallet()?.address })
    const queue = Queue.create({ db, registry: () => configured().registry, feeOf: fees.of })
    const settlements = Settlements.create({
      db,
      config: () => configured().config,
      registry: () => configured().registry,
      log,
      onChange: (paymentId, stage) => companion?.emit({ paymentId, stage }),
    })
    const discovery = Discovery.create({ db, registry: () => configured().registry, log, refreshMs: configured().config.discovery.refreshSeconds * 1000 })
    companion = new Companion(home, db, queue, configured, log, settlements, fees, discovery)
    settlements.resume()
    companion.sessions.resume()
    return companion
  }

  async handle(message: Schemas.ClientMessage, connection: Connection): Promise<unknown> {
    this.connections.add(connection)
    switch (message.type) {
      case 'hello':
        connection.role = message.role
        if (message.upstream !== undefined) {
          connection.upstream = message.upstream
          if (message.role === 'bridge') void this.discovery.refresh(message.upstream)
        }
        if (message.pid !== undefined) connection.pid = message.pid
        return { version: companionVersion, pid: process.pid }
      case 'payment.request':
        return this.decide(message.request, connection, `${connection.id}:${message.id}`)
      case 'payment.cancel': {
        const paymentId = this.asking.get(`${connection.id}:${message.requestId}`)
        if (paymentId !== undefined) this.queue.cancel(paymentId)
        return { cancelled: paymentId !== undefined }
      }
      case 'payment.outcome':
        return this.report(message.paymentId, message.outcome, connection)
      case 'status':
        return this.status()
      case 'wallet.unlock':
        return this.unlockWallet(message.passphrase).catch((error: unknown) => {
          if (error instanceof Wallet.NoWalletError) throw new ProtocolError('no_wallet', error.message)
          if (error instanceof SecretStore.WrongPassphraseError) throw new ProtocolError('wrong_passphrase', error.message)
          throw error
        })
      case 'wallet.lock':
        return this.lockWallet()
      case 'auth.token':
        return this.auth.token({ ...message.request, host: message.request.host.name })
      case 'auth.login': {
        // The person at the terminal gets the link as soon as the sign-in is up.
        const onAdded = (request: Broker.Request) => {
          if (sameServer(request.server, message.server)) connection.notify?.({ v: 2, event: 'auth.sign-in', server: request.server, url: request.url })
        }
        this.auth.on('added', onAdded)
        for (const request of this.auth.pending()) onAdded(request)
        try {
          return await this.signIn(message.server, message.clientId === undefined ? undefined : { id: message.clientId, secret: message.clientSecret }, 'allowance auth login')
        } finally {
          this.auth.off('added', onAdded)
        }
      }
      case 'auth.logout':
        return this.signOut(message.server)
      case 'auth.list':
        return this.auth.list()
      case 'tools.describe':
        return this.describeTools(message)
      case 'payments.status':
        return this.paymentsStatus(message)
    }
  }

  /**
   * The notes a bridge appends to the server's paid tools (their known prices, and what the user's
   * rules would do), and whether it offers the status tool: read-only, as the user set them for
   * the server. Also a moment to look at the server's discovery document, off the list's path.
   */
  describeTools(request: { upstream: string; host: string }): Messages.ToolNotes {
    void this.discovery.refresh(request.upstream)
    const settings = ServerSettings.get(this.db, request.upstream)
    const notes = settings.describePrices ? Outlook.toolNotes(this.db, request, new Date()) : {}
    return { describePrices: settings.describePrices, statusTool: settings.statusTool, notes }
  }

  /** What the read-only status tool tells the agent, where the user enabled it for the server. */
  paymentsStatus(request: { upstream: string; host: string }): Messages.PaymentsStatus {
    if (!ServerSettings.get(this.db, request.upstream).statusTool) {
      return { enabled: false, text: 'The Allowance status tool is turned off for this server.' }
    }
    return { enabled: true, text: Outlook.status(this.db, request, this.registry, new Date()) }
  }

  onDisconnect(connection: Connection): void {
    this.connections.delete(connection)
    this.calls.delete(connection.id)
    // A bridge that went away cannot use an approval any more: withdraw what it was waiting for.
    for (const [key, paymentId] of this.asking) {
      if (key.startsWith(`${connection.id}:`)) this.queue.cancel(paymentId)
    }
    // Credentials it held may have been used: the chain (or Stripe) will say.
    for (const [paymentId, owner] of this.owners) {
      if (owner !== connection.id) continue
      this.owners.delete(paymentId)
      try {
        Outcome.sent(this.db, paymentId, { error: 'The bridge went away before it reported what the server answered.', now: Date.now() })
        this.settlements.watch(paymentId)
      } catch (error) {
        this.log.error(`payment ${paymentId}: could not hand it to the settlement checks: ${ErrorWords.describe(error)}`)
      }
    }
  }

  async status(): Promise<Messages.Status> {
    return {
      pid: process.pid,
      version: companionVersion,
      startedAt: this.startedAt.toISOString(),
      bridges: [...this.connections].filter((connection) => connection.role === 'bridge').length,
      pendingApprovals: this.queue.list().length,
      paused: Settings.get(this.db).paused,
      wallet: await this.walletStatus(),
      ui: this.uiAddress ?? null,
    }
  }

  /** The wallet as this process holds it, and whether it could sign now. */
  async walletStatus(): Promise<Messages.WalletStatus | null> {
    const state = this.walletKey.state()
    if (!state) return null
    const check = await this.walletKey.canSign()
    return { ...state, canSign: check.ok, ...(!check.ok && { problem: check.problem }) }
  }

  /** A passphrase a person gave (the UI, `allowance wallet unlock`): a wrong one is refused and changes nothing. */
  async unlockWallet(passphrase: string): Promise<Messages.WalletStatus | null> {
    try {
      await this.walletKey.unlock(passphrase)
    } catch (error) {
      if (error instanceof SecretStore.WrongPassphraseError) this.log.warn('a wallet unlock was refused: wrong passphrase')
      throw error
    }
    this.log.info('the wallet was unlocked')
    return this.walletStatus()
  }

  /** The wallet's address, store and lock, never its key. */
  wallet(): WalletKey.State | undefined {
    return this.walletKey.state()
  }

  /** Creates the wallet: in the keychain, else in a file sealed with `passphrase`, which stays in memory to sign with. */
  async createWallet(passphrase?: string): Promise<WalletKey.State> {
    const created = await this.walletKey.create(passphrase)
    this.log.info(`created wallet ${created.address} (${created.store})`)
    return created
  }

  lockWallet(): Promise<Messages.WalletStatus | null> {
    this.walletKey.lock()
    this.log.info('the wallet was locked')
    return this.walletStatus()
  }

  /**
   * The user cancels a subscription: in the ledger first (its terms no longer hold later challenges),
   * then where the method can (tempo: the wallet revokes the server's access key on chain). The
   * sentence says what was done; a chain that cannot be reached leaves it cancelled in the ledger,
   * and says so.
   */
  async cancelSubscription(id: number): Promise<string | undefined> {
    const subscription = Subscriptions.get(this.db, id)
    if (!subscription || !Subscriptions.cancel(this.db, id, Date.now())) return undefined
    const method = Methods.find(Payments.get(this.db, subscription.paymentId)?.details?.method ?? '')
    let outcome: string
    try {
      const account = await this.walletKey.account()
      outcome = method?.cancelSubscription ? await method.cancelSubscription({ subscription, account, rpc: this.config.rpc }) : 'The payment method has no way to stop the server charging; ask the seller.'
    } catch (error) {
      outcome = `Cancelled in Allowance, but the server's access key could not be revoked: ${ErrorWords.describe(error).split('\n')[0]!.slice(0, 200)}`
    }
    Subscriptions.cancelled(this.db, id, outcome)
    this.log.info(`subscription ${id} cancelled: ${outcome}`)
    return outcome
  }

  /** The kill switch: while paused, every payment is declined. */
  setPaused(paused: boolean): void {
    Settings.set(this.db, { paused })
  }

  /** Calls `listener` whenever a payment is decided or its outcome is reported; returns the unsubscribe. */
  onPayment(listener: (event: PaymentEvent) => void): () => void {
    this.paymentListeners.add(listener)
    return () => this.paymentListeners.delete(listener)
  }

  private emit(event: PaymentEvent): void {
    if (event.stage === 'confirmed') this.funds.afterPayment(event.paymentId)
    for (const listener of this.paymentListeners) {
      // A face that fails to show an event must not fail the payment.
      try {
        listener(event)
      } catch (error) {
        this.log.error(`a payment listener failed: ${ErrorWords.describe(error)}`)
      }
    }
  }

  /** A person signs in to a server; a wrong URL is their input's fault. */
  async signIn(server: string, client: { id: string; secret?: string | undefined } | undefined, by: string): Promise<Broker.SignInResult> {
    try {
      canonicalServer(server)
    } catch (error) {
      throw new ProtocolError('invalid_message', (error as Error).message)
    }
    return this.auth.signIn(server, { by, ...(client && { client }) })
  }

  async signOut(server: string): Promise<{ removed: number; revoked: boolean; message: string }> {
    try {
      canonicalServer(server)
    } catch (error) {
      throw new ProtocolError('invalid_message', (error as Error).message)
    }
    return this.auth.signOut(server)
  }

  close(): void {
    this.auth.close()
    this.discovery.close()
    this.funds.close()
    this.renewals.close()
    this.noticeListeners.clear()
    this.paymentListeners.clear()
    this.queue.close()
    this.sessions.stop()
    this.sessionTurns.close()
    this.settlements.close()
    this.db.close()
  }

  /** Decides a payment request; session calls to one server take turns (SessionTurns.ts). */
  private decide(request: Messages.PaymentRequest, connection: Connection, key: string): Promise<Messages.PaymentDecision> {
    if (!request.challenges.some(asksForSession)) return this.decideAndSign(request, connection, key)
    return this.sessionTurns.take(request.upstream, () => this.decideAndSign(request, connection, key))
  }

  private async decideAndSign(request: Messages.PaymentRequest, connection: Connection, key: string): Promise<Messages.PaymentDecision> {
    const setup = { wallet: this.walletKey.state() !== undefined, card: this.cardInfo() !== undefined, rpc: this.config.rpc }
    const payable = (payment: Challenge.Payment) => Signer.canSign(payment, setup)
    const calls = this.calls.get(connection.id) ?? new Map<string, number>()
    const priorId = calls.get(request.call)
    const prior = priorId === undefined ? undefined : Payments.get(this.db, priorId)
    void this.discovery.refresh(request.upstream)
    // MPP challenges and x402 offers are alternatives alike; the user's preference for this server orders them.
    const challenges = preferred(Challenge.alternatives(request, { upstream: request.upstream }), Config.methodPreference(this.config, request.upstream))
    await this.fees.prepare(challenges)
    const { x402: _, ...asked } = request
    let decision: Decision = await this.settlements.before(() =>
      Batcher.decide(this.db, { ...asked, host: request.host.name, challenges, prior }, { now: new Date(), registry: this.registry, payable, feeOf: this.fees.of }),
    )
    if (decision.kind === 'ask') {
      this.asking.set(key, decision.paymentId)
      this.log.info(`payment ${decision.paymentId} waits for a human (${decision.options.reasons.join(', ')})`)
      try {
        decision = await this.queue.add(decision)
      } finally {
        this.asking.delete(key)
      }
    }
    if (decision.kind === 'approved') {
      this.log.debug(`payment ${decision.paymentId} approved by ${decision.decidedBy}`)
      const approved = decision
      const context: Scope.Context = { host: request.host.name, upstream: request.upstream, operation: request.operation, target: request.target }
      const signed = await this.settlements.before(() => this.sign(approved, context))
      if (signed.kind === 'approved') {
        // Recorded before the credential leaves: the connection's next challenge for this call is a second payment.
        // (A session call's own row may differ from the decision's: a deposit or top-up decided it.)
        calls.set(request.call, signed.paymentId)
        if (calls.size > maxCallsPerConnection) calls.delete(calls.keys().next().value!)
        this.calls.set(connection.id, calls)
        this.owners.set(signed.paymentId, connection.id)
        this.emit({ paymentId: signed.paymentId, stage: 'approved', decidedBy: decision.decidedBy })
      } else if (signed.paymentId !== undefined) this.emit({ paymentId: signed.paymentId, stage: 'failed' })
      return signed
    }
    if (decision.kind === 'declined') {
      this.log.debug(`payment ${decision.paymentId ?? '(unrecorded)'} declined: ${decision.reason}`)
      if (decision.paymentId !== undefined) this.emit({ paymentId: decision.paymentId, stage: 'declined' })
      const message = decision.reason === 'rechallenge' ? this.secondPaymentRefused(decision.message, prior) : decision.message
      return { kind: 'declined', paymentId: decision.paymentId, reason: decision.reason, message }
    }
    throw new Error('the approval queue returned an unanswered payment')
  }

  /**
   * Signs an approved payment and marks it `signed` before the credential leaves the companion, so
   * that a crash from here on leaves the row unconfirmed rather than forgotten.
   */
  private async sign(decision: Extract<Decision, { kind: 'approved' }>, context: Scope.Context): Promise<Messages.PaymentDecision> {
    if (decision.payment.intent === 'session') return this.signSession(decision, context)
    const { paymentId, payment, challenge } = decision
    const tempoMode = this.config.tempoMode
    try {
      const byCard = Methods.get(payment.method).paysWith === 'card'
      const proof = payment.kind === 'proof'
      const short = byCard || proof ? undefined : await this.funds.shortfall(payment)
      if (short) return this.notEnough(decision, context, short)
      const account = byCard ? undefined : await this.walletKey.account()
      const card = byCard ? await this.card() : undefined
      const rpcUrl = payment.chainId === undefined ? undefined : Signer.rpcUrlFor(payment.chainId, this.config.rpc)
      const { credential } = await Signer.sign({ challenge, payment, account, card, rpcUrl, tempoMode })
      const evidence = this.settlements.track(paymentId, payment, credential, { payer: account?.address, card })
      await Batcher.signed(this.db, paymentId, { now: Date.now(), evidence })
      if (byCard) this.funds.cardPaid()
      else if (!proof) this.funds.spent(payment)
      return { kind: 'approved', paymentId, protocol: payment.protocol, credential, decidedBy: decision.decidedBy }
    } catch (error) {
      const reason = ErrorWords.describe(error).split('\n')[0]!.slice(0, 300)
      this.log.error(`payment ${paymentId}: signing failed: ${reason}`)
      this.settlements.forget(paymentId) // no credential leaves
      // A tempo push broadcasts while signing: past that point, money may have moved.
      if (Signer.broadcasts(payment, { tempoMode })) Outcome.unconfirmed(this.db, paymentId, { error: `signing failed: ${reason}`, now: Date.now() })
      else Outcome.fail(this.db, paymentId, { error: `signing failed: ${reason}`, now: Date.now(), from: ['approved'] })
      // Issuing the card's token moves no money: Stripe's answer is the whole story.
      if (error instanceof SecretStore.LockedError) return { kind: 'declined', paymentId, reason: 'wallet_locked', message: `Allowance approved the payment, but could not pay: ${error.message}` }
      if (error instanceof StripeApi.CardError) {
        this.funds.cardFailed(error)
        return { kind: 'declined', paymentId, reason: 'card_failed', message: `Allowance approved the payment, but the card could not pay: ${error.message}.` }
      }
      return { kind: 'declined', paymentId, reason: 'signing_failed', message: `Allowance approved the payment but could not sign it: ${reason}` }
    }
  }

  /**
   * Signs an approved session call over its channel (Sessions.ts keeps the channel's ledger). What
   * it could not sign moved nothing, unless a top-up was sent: the channel's checks resolve that.
   */
  private async signSession(decision: Extract<Decision, { kind: 'approved' }>, context: Scope.Context): Promise<Messages.PaymentDecision> {
    const { paymentId, payment } = decision
    try {
      // A voucher draws on the deposit: the wallet's balance only matters for a deposit or top-up.
      const short = payment.session?.step?.action === 'voucher' ? undefined : await this.funds.shortfall(payment)
      if (short) return this.notEnough(decision, context, short)
      const rpcUrl = payment.chainId === undefined ? undefined : Signer.rpcUrlFor(payment.chainId, this.config.rpc)
      if (!rpcUrl) throw new Error(`No RPC URL is configured for chain ${payment.chainId}; add one under "rpc" in settings.json.`)
      const signed = await this.sessions.sign(decision, rpcUrl)
      if (payment.session?.step?.action !== 'voucher') this.funds.spent(payment)
      return { kind: 'approved', paymentId: signed.paymentId, protocol: payment.protocol, credential: signed.credential, decidedBy: decision.decidedBy }
    } catch (error) {
      const reason = ErrorWords.describe(error).split('\n')[0]!.slice(0, 300)
      this.log.error(`payment ${paymentId}: signing the session call failed: ${reason}`)
      const row = Payments.get(this.db, paymentId)
      if (row?.state === 'approved') Outcome.fail(this.db, paymentId, { error: `signing failed: ${reason}`, now: Date.now(), from: ['approved'] })
      if (error instanceof SecretStore.LockedError) return { kind: 'declined', paymentId, reason: 'wallet_locked', message: `Allowance approved the payment, but could not pay: ${error.message}` }
      return { kind: 'declined', paymentId, reason: 'signing_failed', message: `Allowance approved the payment but could not sign it: ${reason}` }
    }
  }

  /**
   * An approved wallet payment the balance cannot cover: refused before anything is signed (the row
   * fails, its budget is released), with one sentence for the agent and, for the user, a notice and
   * a Wallet banner with the amount missing.
   */
  private notEnough(decision: Extract<Decision, { kind: 'approved' }>, context: Scope.Context, short: Funds.Shortfall): Messages.PaymentDecision {
    const { paymentId, payment } = decision
    const token = payment.currency
    const amount = (atomic: bigint) => Amount.formatWithSymbol(atomic, token)
    Outcome.fail(this.db, paymentId, { error: `the wallet holds ${amount(short.balance)} of the ${amount(payment.amount)} needed`, now: Date.now(), from: ['approved'] })
    this.settlements.forget(paymentId)
    this.funds.insufficient(context, payment, short)
    this.log.warn(`payment ${paymentId}: the wallet is ${amount(short.missing)} short`)
    return {
      kind: 'declined',
      paymentId,
      reason: 'insufficient_funds',
      message: `Allowance approved the payment for ${Message.target(context)}, but the wallet does not hold enough ${token.symbol} to pay it; the user has been told.`,
    }
  }

  /** The card's Stripe key is read for each payment, so that `allowance card add|remove` apply at once. */
  private async card(): Promise<Signer.Card> {
    const { card, key } = await this.walletKey.cardKey()
    return { client: StripeApi.client(key, { apiBase: this.config.stripe.apiBase }), mode: card.mode, paymentMethod: card.paymentMethod }
  }

  /**
   * The bridge's account of what the server made of a credential. Only the connection that was
   * handed the credential may give it, once: anything else is refused and changes nothing. What
   * the server said is a claim; the settlement checks find out what the chain (or Stripe) shows.
   */
  private report(paymentId: number, outcome: Messages.Outcome, connection: Connection): { state: string } {
    if (this.owners.get(paymentId) !== connection.id) {
      this.log.warn(`connection ${connection.id} reported an outcome for payment ${paymentId}, which it did not ask for; ignored`)
      throw new ProtocolError('not_yours', `Payment ${paymentId} was not asked for on this connection; Allowance ignored this outcome.`)
    }
    this.owners.delete(paymentId)
    const now = Date.now()
    if (outcome.status === 'accepted') Outcome.accepted(this.db, paymentId, { reference: outcome.receipt.reference, now })
    else if (outcome.sent) Outcome.sent(this.db, paymentId, { error: outcome.error, now })
    else Outcome.fail(this.db, paymentId, { error: outcome.error, now, from: ['signed'] })
    if (outcome.status === 'accepted' || outcome.sent) this.settlements.watch(paymentId)
    else this.settlements.forget(paymentId)
    this.sessions.reported(paymentId)
    this.sessionTurns.reported(paymentId)
    const state = outcome.status === 'accepted' ? 'accepted' : outcome.sent ? 'sent' : 'failed'
    this.emit({ paymentId, stage: outcome.status === 'accepted' ? 'accepted' : 'failed' })
    return { state }
  }

  /**
   * The sentence for a second payment declined: a card the seller could not charge is a card
   * problem, which the agent and the human should read as such.
   */
  private secondPaymentRefused(message: string, prior: Payments.Row | undefined): string {
    const card = prior?.details ? Methods.find(prior.details.method)?.explainRefusal?.(prior.error ?? undefined) : undefined
    if (card) this.funds.cardRefused(card)
    return card && prior?.details ? `${Message.subject(prior, Message.priceOf(prior.details))} was not made: ${card}.` : message
  }
}

/** What the user hears without asking: a native notification in the app, a line on the daemon's terminal, a browser notification on the page. */
export type Notice = { title: string; body: string }

/** settings.json as read, and the token registry built from it. */
type Configured = { config: Config.Config; registry: TokenRegistry.Registry }

/** Host requests remembered per connection; a bridge has far fewer paid calls in flight. */
const maxCallsPerConnection = 4096

/**
 * settings.json, read again when it changes. A broken file at start means the built-in defaults;
 * a broken edit later keeps the settings that were in force, so a typo cannot drop a token or an
 * RPC endpoint the user relies on. Either way the problem is logged once per change.
 */
function watchConfig(path: string, log: Logger): () => Configured {
  let current: Configured | undefined
  return Cached.fromFile(path, () => {
    const config = Config.read(path)
    if (config.problem) log.error(`${config.problem}; ${current ? 'keeping the settings read before' : 'using the built-in defaults'}.`)
    if (!config.problem || !current) current = { config, registry: TokenRegistry.create({ tokens: config.tokens, escrows: config.escrows }) }
    return current
  })
}

/** Whether a challenge, as the bridge relayed it, asks for a call inside a session. */
function asksForSession(challenge: unknown): boolean {
  return typeof challenge === 'object' && challenge !== null && (challenge as { intent?: unknown }).intent === 'session'
}

function sameServer(a: string, b: string): boolean {
  try {
    return canonicalServer(a) === canonicalServer(b)
  } catch {
    return false
  }
}

/** The server's alternatives, the user's preferred payment methods first (stable otherwise). */
function preferred(challenges: readonly unknown[], preference: readonly string[]): unknown[] {
  const rank = (challenge: unknown) => {
    const method = typeof challenge === 'object' && challenge !== null ? (challenge as { method?: unknown }).method : undefined
    const index = preference.indexOf(String(method))
    return index === -1 ? preference.length : index
  }
  return [...challenges].sort((a, b) => rank(a) - rank(b))
}
