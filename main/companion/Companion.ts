import type { Decision } from '../approvals/Decision.js'
import * as Batcher from '../approvals/Batcher.js'
import * as Outcome from '../approvals/Outcome.js'
import * as Queue from '../approvals/Queue.js'
import * as Ledger from '../ledger/Database.js'
import { recover } from '../ledger/Recovery.js'
import * as Settings from '../ledger/Settings.js'
import type * as Challenge from '../payments/Challenge.js'
import * as Signer from '../payments/Signer.js'
import * as StripeApi from '../payments/StripeApi.js'
import * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Cached from '../shared/Cached.js'
import * as Home from '../shared/Home.js'
import { describeError, type Logger } from '../shared/Log.js'
import * as Card from '../wallet/Card.js'
import * as Wallet from '../wallet/Wallet.js'
import * as Config from './Config.js'
import type * as Protocol from './Protocol.js'
import { ProtocolError, type Connection, type Handler } from './SocketServer.js'

export const companionVersion = '0.1.0'

/** A ledger row moved: the faces (UI, tray, notifications) refresh or tell the user. */
export type PaymentEvent = {
  paymentId: number
  stage: 'approved' | 'declined' | 'settled' | 'failed'
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
  /** Payment requests waiting for a human, by connection and request id, for cancellation. */
  private readonly asking = new Map<string, number>()
  private readonly connections = new Set<Connection>()
  /** The signing account, loaded from the keychain on first use and kept in this process only. */
  private signer: { address: string; account: Promise<Awaited<ReturnType<typeof Wallet.account>>> } | undefined
  private readonly paymentListeners = new Set<(event: PaymentEvent) => void>()

  private constructor(
    readonly home: string,
    readonly db: Ledger.Database,
    readonly queue: Queue.Queue,
    private readonly settings: () => Settings,
    private readonly log: Logger,
  ) {
    this.walletInfo = Cached.fromFile(Wallet.infoPath(home), () => Wallet.info(home))
    this.cardInfo = Cached.fromFile(Card.infoPath(home), () => Card.info(home))
  }

  /** What can pay, read again only when the CLI changes the wallet or the card. */
  private readonly walletInfo: () => Wallet.Info | undefined
  private readonly cardInfo: () => Card.Info | undefined

  /** The user's settings.json as of now: edits (by hand, or by `allowance demo`) apply to the next payment. */
  get config(): Config.Config {
    return this.settings().config
  }

  /** The token registry: the built-in tokens and those of settings.json. */
  get registry(): TokenRegistry.Registry {
    return this.settings().registry
  }

  /** Opens the ledger, resolves what a crash left in flight, and reads the user's settings. */
  static open(home: string, log: Logger): Companion {
    const paths = Home.paths(home)
    const settings = watchSettings(paths.settings, log)
    settings()
    const db = Ledger.open(paths.database)
    const recovered = recover(db, Date.now())
    if (recovered.declined.length || recovered.unconfirmed.length) {
      log.warn(
        `recovered after a restart: ${recovered.declined.length} payment(s) declined, ${recovered.unconfirmed.length} marked unconfirmed (money may have moved)`,
      )
    }
    const queue = Queue.create({ db, registry: () => settings().registry })
    return new Companion(home, db, queue, settings, log)
  }

  async handle(message: Protocol.ClientMessage, connection: Connection): Promise<unknown> {
    this.connections.add(connection)
    switch (message.type) {
      case 'hello':
        connection.role = message.role
        if (message.upstream !== undefined) connection.upstream = message.upstream
        if (message.pid !== undefined) connection.pid = message.pid
        return { version: companionVersion, pid: process.pid }
      case 'payment.request':
        return this.decide(message.request, `${connection.id}:${message.id}`)
      case 'payment.cancel': {
        const paymentId = this.asking.get(`${connection.id}:${message.requestId}`)
        if (paymentId !== undefined) this.queue.cancel(paymentId)
        return { cancelled: paymentId !== undefined }
      }
      case 'payment.outcome':
        return this.report(message.paymentId, message.outcome)
      case 'status':
        return this.status()
    }
  }

  onDisconnect(connection: Connection): void {
    this.connections.delete(connection)
    // A bridge that went away cannot use an approval any more: withdraw what it was waiting for.
    for (const [key, paymentId] of this.asking) {
      if (key.startsWith(`${connection.id}:`)) this.queue.cancel(paymentId)
    }
  }

  status(): Protocol.Status {
    return {
      pid: process.pid,
      version: companionVersion,
      startedAt: this.startedAt.toISOString(),
      bridges: [...this.connections].filter((connection) => connection.role === 'bridge').length,
      pendingApprovals: this.queue.list().length,
      paused: Settings.get(this.db).paused,
    }
  }

  /** Calls `listener` whenever a payment is decided or its outcome is reported; returns the unsubscribe. */
  onPayment(listener: (event: PaymentEvent) => void): () => void {
    this.paymentListeners.add(listener)
    return () => this.paymentListeners.delete(listener)
  }

  private emit(event: PaymentEvent): void {
    for (const listener of this.paymentListeners) {
      // A face that fails to show an event must not fail the payment.
      try {
        listener(event)
      } catch (error) {
        this.log.error(`a payment listener failed: ${describeError(error)}`)
      }
    }
  }

  close(): void {
    this.paymentListeners.clear()
    this.queue.close()
    this.db.close()
  }

  private async decide(request: Protocol.PaymentRequest, key: string): Promise<Protocol.PaymentDecision> {
    const setup = { wallet: this.walletInfo() !== undefined, card: this.cardInfo() !== undefined, rpc: this.config.rpc }
    const payable = (payment: Challenge.Payment) => Signer.canSign(payment, setup)
    let decision: Decision = await Batcher.decide(
      this.db,
      { ...request, host: request.host.name, challenges: preferred(request.challenges, Config.methodPreference(this.config, request.upstream)) },
      { now: new Date(), registry: this.registry, payable },
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
      const signed = await this.sign(decision)
      if (signed.kind === 'approved') this.emit({ paymentId: decision.paymentId, stage: 'approved', decidedBy: decision.decidedBy })
      else if (signed.paymentId !== undefined) this.emit({ paymentId: signed.paymentId, stage: 'failed' })
      return signed
    }
    if (decision.kind === 'declined') {
      this.log.debug(`payment ${decision.paymentId ?? '(unrecorded)'} declined: ${decision.reason}`)
      if (decision.paymentId !== undefined) this.emit({ paymentId: decision.paymentId, stage: 'declined' })
      return { kind: 'declined', paymentId: decision.paymentId, reason: decision.reason, message: decision.message }
    }
    throw new Error('the approval queue returned an unanswered payment')
  }

  /**
   * Signs an approved payment and marks it `signed` before the credential leaves the companion, so
   * that a crash from here on leaves the row unconfirmed rather than forgotten.
   */
  private async sign(decision: Extract<Decision, { kind: 'approved' }>): Promise<Protocol.PaymentDecision> {
    const { paymentId, payment, challenge } = decision
    const tempoMode = this.config.tempoMode
    try {
      const byCard = payment.method === 'stripe'
      const account = byCard ? undefined : await this.account()
      const card = byCard ? await this.card() : undefined
      const rpcUrl = payment.chainId === undefined ? undefined : Signer.rpcUrlFor(payment.chainId, this.config.rpc)
      const { credential } = await Signer.sign({ challenge, payment, account, card, rpcUrl, tempoMode })
      await Batcher.signed(this.db, paymentId, { now: Date.now() })
      return { kind: 'approved', paymentId, credential, decidedBy: decision.decidedBy }
    } catch (error) {
      // A tempo push broadcasts while signing: past that point, money may have moved.
      const moneyMayHaveMoved = payment.method === 'tempo' && tempoMode === 'push'
      const reason = describeError(error).split('\n')[0]!.slice(0, 300)
      this.log.error(`payment ${paymentId}: signing failed: ${reason}`)
      Outcome.fail(this.db, paymentId, { error: `signing failed: ${reason}`, moneyMayHaveMoved, now: Date.now() })
      // Issuing the card's token moves no money: Stripe's answer is the whole story.
      if (error instanceof StripeApi.CardError) return { kind: 'declined', paymentId, reason: 'card_failed', message: `Allowance approved the payment, but the card could not pay: ${error.message}.` }
      return { kind: 'declined', paymentId, reason: 'signing_failed', message: `Allowance approved the payment but could not sign it: ${reason}` }
    }
  }

  private account(): Promise<Awaited<ReturnType<typeof Wallet.account>>> {
    const wallet = this.walletInfo()
    if (!wallet) return Promise.reject(new Wallet.NoWalletError())
    if (this.signer?.address !== wallet.address) {
      const account = Wallet.account(this.home, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
      this.signer = { address: wallet.address, account }
      account.catch(() => (this.signer = undefined))
    }
    return this.signer!.account
  }

  /** The card's Stripe key is read for each payment, so that `allowance card add|remove` apply at once. */
  private async card(): Promise<Signer.Card> {
    const { card, key } = await Card.secretKey(this.home, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
    return { client: StripeApi.client(key, { apiBase: this.config.stripe.apiBase }), mode: card.mode, paymentMethod: card.paymentMethod }
  }

  private report(paymentId: number, outcome: Protocol.Outcome): { state: string } {
    const now = Date.now()
    try {
      if (outcome.status === 'settled') Outcome.settle(this.db, paymentId, { receipt: outcome.receipt, now })
      else Outcome.fail(this.db, paymentId, { error: outcome.error, moneyMayHaveMoved: outcome.moneyMayHaveMoved, now })
    } catch (error) {
      if (error instanceof Outcome.OutcomeError) throw new ProtocolError('unknown_payment', error.message)
      throw error
    }
    this.emit({ paymentId, stage: outcome.status === 'settled' ? 'settled' : 'failed' })
    return { state: outcome.status === 'settled' ? 'settled' : outcome.moneyMayHaveMoved ? 'unconfirmed' : 'failed' }
  }
}

type Settings = { config: Config.Config; registry: TokenRegistry.Registry }

/**
 * settings.json, read again when it changes. A broken file at start means the built-in defaults;
 * a broken edit later keeps the settings that were in force, so a typo cannot drop a token or an
 * RPC endpoint the user relies on. Either way the problem is logged once per change.
 */
function watchSettings(path: string, log: Logger): () => Settings {
  let current: Settings | undefined
  return Cached.fromFile(path, () => {
    const config = Config.read(path)
    if (config.problem) log.error(`${config.problem}; ${current ? 'keeping the settings read before' : 'using the built-in defaults'}.`)
    if (!config.problem || !current) current = { config, registry: TokenRegistry.create({ tokens: config.tokens }) }
    return current
  })
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
