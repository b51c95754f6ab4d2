import type { Entry } from '../approvals/Queue.js'
import * as Units from '../payments/Units.js'
import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Scope from '../ledger/Scope.js'
import * as Amount from '../payments/Amount.js'
import * as Chains from '../payments/Chains.js'
import type * as Challenge from '../payments/Challenge.js'
import type * as Method from '../payments/methods/Method.js'
import * as Methods from '../payments/methods/Methods.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'

/**
 * The approval card's view of a waiting payment, as plain JSON (each screen's own view is in its
 * *Views module). Every amount is formatted here from BigInt atomic units and the
 * companion's token registry (never from a server's text), so the renderer does no money math
 * except turning the limits a user types into budget units.
 */

/** An amount in a budget unit, with what the renderer needs to read a typed limit in it. */
export type BudgetUnit = Units.Described

export type BudgetEffect = { id: number; text: string; scope: string }

export type Option = {
  challengeId: string
  method: Challenge.Payment['method']
  /** "0.25 USDC" */
  amount: string
  /** An x402 `upto` payment: `amount` is the most the server may settle (it settles what it used). */
  upTo: boolean
  /** "$0.25" when the currency is pegged to the US dollar. */
  usd: string | null
  /** What pays: "USDC on Base Sepolia", "Card ending 4242". */
  paysWith: string
  /** The wallet's key signs it (so a locked wallet stops it), rather than the card. */
  byWallet: boolean
  recipient: string | null
  chainId: number | null
  /** "Base Sepolia", "Local test chain"; null for a card. */
  chain: string | null
  testnet: boolean
  /** The server's own words. Untrusted: shown as plain text, never used for money. */
  description: string | null
  flags: readonly Challenge.Flag[]
  budgetUnit: BudgetUnit
  /** This payment in budget units, as an integer string (its price, without the network fee). */
  budgetAmount: string
  /** At most what the wallet pays in network fees on top, counted against budgets too: "0.02 ThetaUSD". */
  fee: string | null
  /** Each budget covering the call, after this payment: "$4.75 of $5.00 left today". */
  budgets: BudgetEffect[]
}

export type Approval = {
  paymentId: number
  host: string
  upstream: string
  /** The validated payment proposed to the human, and every acceptable alternative (API clients read these). */
  payment: Challenge.Payment
  alternatives: Challenge.Payment[]
  /** The upstream's short name: the host of its URL, or its command. */
  server: string
  realm: string
  /** The challenge's realm is not the upstream's host name. */
  realmDiffers: boolean
  operation: Scope.Operation
  target: string
  argumentsPreview: string | null
  queuedAt: number
  /** When the payment is declined if nobody answers (epoch ms, the companion's clock). */
  expiresAt: number
  /** The companion's clock as it made this view: a page on another machine counts down by the difference from its own. */
  viewedAt: number
  reasons: readonly string[]
  /** What the card shows: the proposed payment first, then the other acceptable alternatives. */
  options: Option[]
  /** What this tool cost the last time it settled, when this payment asks more. */
  previousPrice: string | null
  /** A second payment for one host request: what was already sent in it ("0.01 USDC to 0x…"). */
  alreadySent: string | null
  /** How many times this server asked to be paid again after a credential, in the last 7 days. */
  rechallenges: number
}

/** `card` is the card a `stripe` charge would be paid with, when one is set up. */
export function approval(db: Database, registry: TokenRegistry.Registry, entry: Entry, now: Date, card?: Method.describe.Card): Approval | undefined {
  const row = Payments.get(db, entry.paymentId)
  if (!row) return undefined
  const context: Scope.Context = { host: row.host, upstream: row.upstream, operation: row.operation, target: row.target }
  const alternatives = entry.options.alternatives.map((candidate) => candidate.payment)
  const payments = [entry.payment, ...alternatives.filter((payment) => payment.challengeId !== entry.payment.challengeId)]
  return {
    paymentId: entry.paymentId,
    ...context,
    payment: entry.payment,
    alternatives,
    server: Scope.upstreamLabel(row.upstream),
    realm: entry.payment.realm,
    realmDiffers: !sameSite(entry.payment.realm, row.upstream),
    argumentsPreview: row.argumentsPreview,
    queuedAt: entry.queuedAt,
    expiresAt: entry.expiresAt,
    viewedAt: now.getTime(),
    reasons: entry.options.reasons,
    options: payments.map((payment) => option(db, registry, context, payment, now, payment === entry.payment ? row.fee : null, card)),
    previousPrice: previousPrice(db, context, entry.payment),
    alreadySent: alreadySent(entry.options.prior?.details),
    rechallenges: Payments.rechallenges(db, row.upstream, now.getTime()),
  }
}

function alreadySent(details: Payments.Details | undefined): string | null {
  if (!details) return null
  return `${Amount.formatWithSymbol(details.amountAtomic, details)}${details.recipient ? ` to ${details.recipient}` : ''}`
}

function option(
  db: Database,
  registry: TokenRegistry.Registry,
  context: Scope.Context,
  payment: Challenge.Payment,
  now: Date,
  fee: Payments.Fee | null,
  card: Method.describe.Card | undefined,
): Option {
  const { currency, budgetUnit } = payment
  const money = (atomic: bigint) => Units.format(atomic, budgetUnit, registry)
  const feeBudget = fee && budgetUnit === 'usd' ? Amount.toMicroUsd(fee.amountAtomic, fee.decimals) : 0n
  const held = payment.budgetAmount + feeBudget
  const budgets = Budgets.matching(db, context, budgetUnit).map((budget) => {
    const { remaining } = Budgets.usage(db, budget, now)
    const after = remaining > held ? remaining - held : 0n
    return { id: budget.id, text: `${money(after)} of ${money(budget.amount)} left ${periodWord[budget.period]}`, scope: Scope.describe(budget) }
  })
  return {
    challengeId: payment.challengeId,
    method: payment.method,
    amount: Amount.formatWithSymbol(payment.amount, currency),
    upTo: payment.scheme === 'upto',
    usd: currency.usdPegged ? Amount.formatUsd(Amount.toMicroUsd(payment.amount, currency.decimals)) : null,
    paysWith: Methods.describe({ method: payment.method, symbol: currency.symbol, chainId: payment.chainId, scheme: payment.scheme }, card),
    byWallet: Methods.get(payment.method).paysWith === 'wallet',
    recipient: payment.recipient ?? null,
    chainId: payment.chainId ?? null,
    chain: payment.chainId === undefined ? null : Chains.name(payment.chainId),
    testnet: currency.kind === 'token' && currency.testnet,
    description: payment.description ?? null,
    flags: payment.flags,
    budgetUnit: budgetUnit === 'usd' ? { key: 'usd', decimals: Amount.usdDecimals, symbol: '$' } : { key: budgetUnit, decimals: currency.decimals, symbol: currency.symbol },
    budgetAmount: payment.budgetAmount.toString(),
    fee: fee && fee.amountAtomic > 0n ? Amount.formatWithSymbol(fee.amountAtomic, fee) : null,
    budgets,
  }
}

const periodWord = { day: 'today', week: 'this week', month: 'this month' } as const

/** The realm names the upstream's host (with or without its port), or the upstream is not a URL. */
function sameSite(realm: string, upstream: string): boolean {
  try {
    const url = new URL(upstream)
    return realm === url.host || realm === url.hostname
  } catch {
    return true
  }
}

/** The last confirmed price of the same call in the same budget unit, if this payment is higher. */
function previousPrice(db: Database, context: Scope.Context, payment: Challenge.Payment): string | null {
  const { upstream, operation, target } = context
  const [last] = Payments.list(db, { upstream, operation, target, states: ['confirmed'], limit: 1 })
  const details = last?.details
  if (!details || details.budgetUnit !== payment.budgetUnit || details.budgetAmount >= payment.budgetAmount) return null
  return Amount.formatWithSymbol(details.amountAtomic, details)
}
