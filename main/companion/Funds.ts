import { statSync } from 'node:fs'
import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Scope from '../ledger/Scope.js'
import * as Warnings from '../ledger/Warnings.js'
import * as Amount from '../payments/Amount.js'
import type * as Challenge from '../payments/Challenge.js'
import * as Chains from '../payments/Chains.js'
import * as Methods from '../payments/methods/Methods.js'
import type * as StripeApi from '../payments/StripeApi.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'
import * as Balances from '../wallet/Balances.js'
import * as Card from '../wallet/Card.js'
import type * as Config from './Config.js'

/**
 * The money that pays, watched before it runs out. Each token the wallet pays with (and each the
 * user set a threshold for) is checked against its warning level after every payment that moved
 * it and every `intervalMs`: below it, the user hears once (a notice) and the Wallet screen shows a
 * banner with the address to top up, until a check finds it topped up. A wallet payment the
 * balance cannot cover is refused before it is signed, with the amount missing for the user and
 * one sentence for the agent. A card Stripe refuses (declined, expired, needing the cardholder)
 * becomes a notice and a banner saying what to do, until a card payment succeeds or the card is
 * changed. Warnings live in the ledger (Warnings.ts); nothing here changes what may be paid.
 */
export type Funds = {
  /** What a wallet payment lacks, when the wallet's balance cannot cover it: read from the chain only when the last known balance says it might not. */
  shortfall(payment: Challenge.Payment): Promise<Shortfall | undefined>
  /** Tells the user a payment failed for lack of funds (once while it stands), with the amount missing. */
  insufficient(context: Scope.Context, payment: Challenge.Payment, shortfall: Shortfall): void
  /** A wallet payment was signed: the known balance drops by its amount until the next read. */
  spent(payment: Challenge.Payment): void
  /** A payment moved money: reads its token's balance against the threshold. */
  afterPayment(paymentId: number): void
  /** Reads every watched token's balance against its threshold, and whether a failing card was changed. */
  check(): Promise<void>
  /** Stripe refused the card: a warning with what to do (not for Stripe being unreachable). */
  cardFailed(error: StripeApi.CardError): void
  /** The seller could not charge the card (its words, as the stripe method explains a refusal): a warning with what to do. */
  cardRefused(clause: string): void
  /** A card payment went through: a card warning is over. */
  cardPaid(): void
  /** Each watched token's warning level (the user's, or the default from the budgets). */
  thresholds(): Threshold[]
  close(): void
}

export type Shortfall = { balance: bigint; missing: bigint }

export type Threshold = { token: TokenRegistry.Token; amount: bigint | undefined; byDefault: boolean }

/** A known balance younger than this spares a read before a payment it covers. */
const knownForMs = 10 * 60_000

export function create(parameters: create.Parameters): Funds {
  const { db, home, registry, config, address, notify, log, now = Date.now } = parameters
  /** The last balance read (or estimated after a payment) per token key. */
  const known = new Map<string, { balance: bigint; at: number }>()
  /** Tokens the wallet has paid in, read once from the ledger and kept up to date. */
  let paidIn: Set<string> | undefined
  let timer: NodeJS.Timeout | undefined
  let closed = false

  const tokenOf = (key: string) => registry().entries.find((entry): entry is TokenRegistry.Token => entry.kind === 'token' && entry.key === key)
  const rpcOf = (token: TokenRegistry.Token) => Chains.rpcUrlFor(token.chainId, config().rpc)
  const currencies = () => (paidIn ??= new Set(Payments.currencies(db)))
  const money = (atomic: bigint, token: TokenRegistry.Token) => Amount.formatWithSymbol(atomic, token)
  const where = (token: TokenRegistry.Token) => `${token.symbol} on ${Chains.name(token.chainId)}`

  const raise = (warning: Warnings.Raise) => {
    const { raised } = Warnings.raise(db, warning, now())
    if (!raised) return
    log.warn(`warning: ${warning.title}: ${warning.body}`)
    notify({ title: warning.title, body: warning.body })
  }
  const clear = (kind: Warnings.Kind, subject: string, why: string) => {
    if (Warnings.clear(db, kind, subject, now())) log.info(`warning cleared (${kind} ${subject}): ${why}`)
  }

  /** Compares one token's balance with its threshold, and with what a failed payment lacked. */
  const judge = (token: TokenRegistry.Token, balance: bigint) => {
    known.set(token.key, { balance, at: now() })
    const wallet = address()
    const level = thresholdOf(token)
    if (level.amount !== undefined && level.amount > 0n && balance < level.amount) {
      raise({
        kind: 'low_balance',
        subject: token.key,
        title: `Your ${where(token)} is running low`,
        body: `The wallet holds ${money(balance, token)}, below your warning level of ${money(level.amount, token)}${level.byDefault ? " (what your budgets could spend in a day)" : ''}.`,
        action: wallet ? `Send ${where(token)} to ${wallet} to top it up.` : `Top up the wallet with ${where(token)}.`,
        data: { address: wallet ?? null, balance: balance.toString(), threshold: level.amount.toString() },
      })
    } else clear('low_balance', token.key, `the balance is ${money(balance, token)}`)
    const short = Warnings.active(db, 'insufficient_funds').find((warning) => warning.subject === token.key)
    const needed = typeof short?.data?.needed === 'string' ? BigInt(short.data.needed) : undefined
    if (short && needed !== undefined && balance >= needed) clear('insufficient_funds', token.key, `the balance is ${money(balance, token)}`)
  }

  const read = async (token: TokenRegistry.Token): Promise<bigint | undefined> => {
    const wallet = address()
    const rpc = rpcOf(token)
    if (!wallet || !rpc) return undefined
    try {
      return await Balances.one(wallet as `0x${string}`, token, rpc, 5000)
    } catch (error) {
      log.debug(`balance of ${where(token)} unavailable: ${ErrorWords.describe(error).split('\n')[0]}`)
      return undefined
    }
  }

  const thresholdOf = (token: TokenRegistry.Token): { amount: bigint | undefined; byDefault: boolean } => {
    const set = Warnings.thresholds(db).get(token.key)
    if (set !== undefined) return { amount: set, byDefault: false }
    const unit = token.usdPegged ? 'usd' : token.key
    const daily = dailyCapacity(Budgets.list(db), unit)
    return { amount: daily === undefined ? undefined : unit === 'usd' ? fromMicroUsd(daily, token.decimals) : daily, byDefault: true }
  }

  const watched = (): TokenRegistry.Token[] => {
    const keys = new Set([...currencies(), ...Warnings.thresholds(db).keys(), ...Warnings.active(db).filter((w) => w.kind !== 'card').map((w) => w.subject)])
    return [...keys].flatMap((key) => tokenOf(key) ?? [])
  }

  /** A card warning stands until a card payment succeeds or the card (card.json) is changed. */
  const checkCard = () => {
    const warning = Warnings.active(db, 'card')[0]
    if (!warning) return
    if (cardStamp(home) !== warning.data?.card) clear('card', 'card', 'the card was changed')
  }

  const funds: Funds = {
    async shortfall(payment) {
      if (Methods.get(payment.method).paysWith !== 'wallet' || payment.currency.kind !== 'token') return undefined
      const token = payment.currency
      const last = known.get(token.key)
      if (last && last.balance >= payment.amount && now() - last.at < knownForMs) return undefined
      const balance = await read(token)
      if (balance === undefined) return undefined // unknown: the server's settlement will say
      known.set(token.key, { balance, at: now() })
      return balance < payment.amount ? { balance, missing: payment.amount - balance } : undefined
    },
    insufficient(context, payment, shortfall) {
      if (payment.currency.kind !== 'token') return
      const token = payment.currency
      const wallet = address()
      currencies().add(token.key)
      raise({
        kind: 'insufficient_funds',
        subject: token.key,
        title: `A payment failed: the wallet is ${money(shortfall.missing, token)} short`,
        body: `${Scope.call(context.operation, context.target)} on ${Scope.upstreamLabel(context.upstream)} asked ${money(payment.amount, token)}; the wallet holds ${money(shortfall.balance, token)} on ${Chains.name(token.chainId)}.`,
        action: wallet ? `Send at least ${money(shortfall.missing, token)} (${where(token)}) to ${wallet}.` : `Top up the wallet with ${where(token)}.`,
        data: { address: wallet ?? null, needed: payment.amount.toString(), missing: shortfall.missing.toString() },
      })
    },
    spent(payment) {
      if (payment.currency.kind !== 'token') return
      currencies().add(payment.currency.key)
      const last = known.get(payment.currency.key)
      if (last) known.set(payment.currency.key, { balance: last.balance > payment.amount ? last.balance - payment.amount : 0n, at: last.at })
    },
    afterPayment(paymentId) {
      const row = Payments.get(db, paymentId)
      const token = row?.details ? tokenOf(row.details.currency) : undefined
      if (!token) return
      void read(token).then((balance) => {
        if (balance !== undefined && !closed) judge(token, balance)
      })
    },
    async check() {
      checkCard()
      for (const token of watched()) {
        const balance = await read(token)
        if (balance !== undefined && !closed) judge(token, balance)
      }
    },
    cardFailed(error) {
      const advice = cardAdvice(error)
      if (!advice) return
      raise({ kind: 'card', subject: 'card', title: advice.title, body: `Stripe said: ${error.clause} (${error.code}).`, action: advice.action, data: { card: cardStamp(home) ?? null, code: error.code } })
    },
    cardRefused(clause) {
      const code = /authentication/.test(clause)
        ? 'card_declined/authentication_required'
        : /insufficient funds/.test(clause)
          ? 'card_declined/insufficient_funds'
          : /expired/.test(clause)
            ? 'card_declined/expired_card'
            : 'card_declined'
      funds.cardFailed({ code, clause } as StripeApi.CardError)
    },
    cardPaid() {
      clear('card', 'card', 'a card payment went through')
    },
    thresholds() {
      return watched().map((token) => {
        const level = thresholdOf(token)
        return { token, amount: level.amount, byDefault: level.byDefault }
      })
    },
    close() {
      closed = true
      clearInterval(timer)
    },
  }
  if (parameters.intervalMs) {
    timer = setInterval(() => void funds.check().catch((error: unknown) => log.error(`balance check failed: ${ErrorWords.describe(error)}`)), parameters.intervalMs)
    timer.unref()
  }
  return funds
}

export declare namespace create {
  type Parameters = {
    db: Database
    home: string
    registry: () => TokenRegistry.Registry
    config: () => Config.Config
    /** The wallet's address, when there is one. */
    address: () => string | undefined
    /** Tells the user (a native notification, the daemon's terminal, the page). */
    notify: (notice: { title: string; body: string }) => void
    log: Logger
    /** How often every watched balance is read; none: only after payments and on demand. */
    intervalMs?: number | undefined
    now?: (() => number) | undefined
  }
}

/**
 * The most the user's budgets let be spent in one day in `unit` (its amount in that unit): the
 * smallest budget covering everything (a week's or a month's could all go in a day), else, for
 * budgets of narrower scopes, each scope's smallest added up. Undefined without a budget in the unit.
 *
 * @example
 * ```ts
 * import * as Funds from './Funds.js'
 *
 * declare const budgets: import('../ledger/Budgets.js').Budget[] // $2.00 a day and $5.00 a week for everything
 * Funds.dailyCapacity(budgets, 'usd') // 2000000n: $2.00
 * ```
 */
export function dailyCapacity(budgets: readonly Budgets.Budget[], unit: string): bigint | undefined {
  const inUnit = budgets.filter((budget) => budget.unit === unit)
  if (inUnit.length === 0) return undefined
  const smallest = new Map<string, bigint>()
  for (const budget of inUnit) {
    const scope = `${budget.upstream}\n${budget.operation}\n${budget.target}\n${budget.host}`
    const held = smallest.get(scope)
    if (held === undefined || budget.amount < held) smallest.set(scope, budget.amount)
  }
  const everything = smallest.get('null\nnull\nnull\nnull')
  if (everything !== undefined) return everything
  return [...smallest.values()].reduce((sum, amount) => sum + amount, 0n)
}

/** Micro-USD as atomic units of a USD-pegged token of `decimals`, rounded up (a warning level errs high). */
export function fromMicroUsd(microUsd: bigint, decimals: number): bigint {
  if (decimals >= Amount.usdDecimals) return microUsd * 10n ** BigInt(decimals - Amount.usdDecimals)
  const divisor = 10n ** BigInt(Amount.usdDecimals - decimals)
  return (microUsd + divisor - 1n) / divisor
}

/** What to do about a card Stripe refused; nothing for a Stripe that could not be reached or was busy. */
export function cardAdvice(error: StripeApi.CardError): { title: string; action: string } | undefined {
  const code = error.code
  if (/expired_card/.test(code)) return { title: 'Your card has expired', action: 'Add a current card with `allowance card add --payment-method pm_…`.' }
  if (/authentication_required|requires_action/.test(code)) {
    return { title: 'Your card needs you to confirm payments', action: 'Your bank asks the cardholder to confirm each payment, which an agent cannot do: use another card with `allowance card add --payment-method pm_…`.' }
  }
  if (/insufficient_funds/.test(code)) return { title: 'Your card has insufficient funds', action: 'Top up the card’s account, or add another card with `allowance card add --payment-method pm_…`.' }
  if (/currency_not_supported/.test(code)) return { title: 'Your card cannot pay in this currency', action: 'Add a card that can with `allowance card add --payment-method pm_…`.' }
  if (/^card_declined|^card_error/.test(code)) return { title: 'Your card was declined', action: 'Ask your bank why, or add another card with `allowance card add --payment-method pm_…`.' }
  if (code === 'api_key_expired') return { title: 'Your Stripe key has expired', action: 'Add a new key with `allowance card add`.' }
  if (code === 'authentication_error') return { title: 'Stripe rejected your key', action: 'Add a valid key with `allowance card add`.' }
  if (code === 'permission_error') return { title: 'Your Stripe key may not pay', action: 'Use a key with write access to Shared Payment Tokens (`allowance card add`).' }
  return undefined
}

/** When card.json last changed (a new card or key), to tell a changed card from the one that failed. */
function cardStamp(home: string): string | undefined {
  const stat = statSync(Card.infoPath(home), { throwIfNoEntry: false })
  return stat ? `${stat.mtimeMs}:${stat.size}` : undefined
}
