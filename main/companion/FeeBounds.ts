import type * as Engine from '../approvals/Engine.js'
import type * as Payments from '../ledger/Payments.js'
import * as Amount from '../payments/Amount.js'
import * as Challenge from '../payments/Challenge.js'
import * as Methods from '../payments/methods/Methods.js'
import type * as Settlement from '../payments/Settlement.js'
import * as TokenRegistry from '../payments/TokenRegistry.js'

/**
 * Upper bounds of the network fees a payment may cost the wallet, for the approval card and the
 * budgets. Each payment method says whether it costs the wallet a fee (`estimateFee`): only
 * `tempo` does (paid in a stablecoin); `evm` authorizations are submitted, and their gas paid, by
 * the server; card payments have none. A bound needs the chain, so it is fetched before the
 * decision (which runs inside a SQLite transaction) and kept a minute per chain and token.
 */
export type FeeBounds = {
  /** Fetches the bounds the decision on these challenges may need. Never throws. */
  prepare(challenges: readonly unknown[]): Promise<void>
  /** The bound for a validated payment, if it has a fee and one could be fetched. */
  of(payment: Challenge.Payment): Engine.FeeBound | undefined
}

const lifetimeMs = 60_000

export function create(parameters: create.Parameters): FeeBounds {
  const { registry, rpc, payer } = parameters
  const known = new Map<string, { at: number; fee: Settlement.Fee | undefined }>()
  // Per intent too: a session's open or top-up has no estimate here, and must not stand for a charge's fee (or the other way round).
  const keyOf = (payment: Challenge.Payment) => `${payment.intent}:${payment.chainId}:${payment.currency.key}`
  return {
    async prepare(challenges) {
      // Only some methods (tempo) cost a fee: the other challenges need no second validation.
      if (!challenges.some((challenge) => estimatorOf((challenge as { method?: unknown } | null)?.method))) return
      const now = Date.now()
      const { accepted } = Challenge.select(challenges, { now: new Date(now), registry: registry() })
      const withFee = accepted.map(({ payment }) => payment).filter((payment) => payment.kind === 'payment' && estimatorOf(payment.method) && payment.chainId !== undefined)
      await Promise.all(
        withFee.map(async (payment) => {
          const key = keyOf(payment)
          const cached = known.get(key)
          if (cached && now - cached.at < lifetimeMs) return
          const fee = await estimatorOf(payment.method)!({ payment, rpc: rpc(), payer: payer() })
          known.set(key, { at: now, fee })
        }),
      )
    },
    of(payment) {
      // An identity proof is a signature, never a transaction: it costs no fee.
      if (payment.kind === 'proof' || !estimatorOf(payment.method)) return undefined
      const fee = known.get(keyOf(payment))?.fee
      return fee && inBudget(registry(), payment, fee, true)
    },
  }
}

/** The method's fee estimate, when paying with it costs the wallet a fee. */
function estimatorOf(method: unknown) {
  return typeof method === 'string' ? Methods.find(method)?.estimateFee : undefined
}

export declare namespace create {
  type Parameters = {
    registry: () => TokenRegistry.Registry
    rpc: () => Readonly<Record<string, string>>
    /** The wallet's address, when there is a wallet. */
    payer: () => string | undefined
  }
}

/**
 * A fee as the ledger books it (its token from the registry) and what it counts in the payment's
 * budget unit: the fee counts when its token is counted in the same unit (every USD stablecoin
 * counts in USD), else it is booked but cannot be added to the payment's budgets.
 */
export function inBudget(registry: TokenRegistry.Registry, payment: inBudget.Payment, fee: Settlement.Fee, estimated: boolean): Engine.FeeBound {
  const chainId = payment.chainId ?? undefined
  const entry = chainId === undefined ? undefined : registry.lookup({ method: payment.method, currency: fee.currency, chainId })
  const decimals = entry?.decimals ?? 6 // network fees on Tempo are paid in TIP-20 tokens, which have 6 decimals
  const booked: Payments.Fee = {
    amountAtomic: fee.amount,
    currency: entry?.key ?? `${payment.chainId}:${fee.currency.toLowerCase()}`,
    symbol: entry?.symbol ?? `${fee.currency.slice(0, 6)}…`,
    decimals,
    estimated,
  }
  if (!entry || TokenRegistry.budgetUnit(entry) !== payment.budgetUnit) return { fee: booked, budgetAmount: 0n }
  return { fee: booked, budgetAmount: Amount.toBudget(fee.amount, decimals, payment.budgetUnit) }
}

export declare namespace inBudget {
  type Payment = { method: string; chainId?: number | null | undefined; budgetUnit: string }
}
