import * as Budgets from '../ledger/Budgets.js'
import type { Database } from '../ledger/Database.js'
import * as Leases from '../ledger/Leases.js'
import * as Rules from '../ledger/Rules.js'
import * as Scope from '../ledger/Scope.js'
import * as Chains from '../payments/Chains.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import type { Applies, Budget, Lease, Rule, ScopeFields, Unit } from '../uiapi/Contract.js'

/**
 * The Rules & budgets screen as plain JSON: the user's rules, budgets with what they used, active
 * leases, and the units amounts can be typed in (their shapes are in uiapi/Contract.ts). Amounts
 * are formatted here from BigInt atomic units; `amountText` is the same amount as a plain decimal,
 * for an edit field.
 */

export function rules(db: Database, registry: TokenRegistry.Registry): Rule[] {
  return Rules.list(db).map((rule) => ({
    id: rule.id,
    kind: rule.kind === 'auto_approve' ? 'auto-approve' : 'limit',
    amount: Units.format(rule.amount, rule.unit, registry),
    amountText: Units.decimal(rule.amount, rule.unit, registry),
    unit: rule.unit,
    ...applies(rule),
    fields: fields(rule),
    recipient: rule.recipient,
    label: rule.label,
  }))
}

export function budgets(db: Database, registry: TokenRegistry.Registry, now: Date): Budget[] {
  return Budgets.list(db).map((budget) => {
    const { used, remaining, end } = Budgets.usage(db, budget, now)
    const money = (atomic: bigint) => Units.format(atomic, budget.unit, registry)
    return {
      id: budget.id,
      period: budget.period,
      ...applies(budget),
      label: budget.label,
      amount: money(budget.amount),
      amountText: Units.decimal(budget.amount, budget.unit, registry),
      unit: budget.unit,
      fields: fields(budget),
      used: money(used),
      remaining: money(remaining),
      share: share(used, budget.amount),
      periodEnd: end,
    }
  })
}

/** The leases in force at `now`, newest first. */
export function leases(db: Database, registry: TokenRegistry.Registry, now: number): Lease[] {
  return Leases.list(db, { activeAt: now }).map((lease) => {
    const money = (atomic: bigint) => Units.format(atomic, lease.unit, registry)
    return {
      id: lease.id,
      ...applies(lease),
      amount: money(lease.amount),
      spent: money(lease.spent),
      remaining: money(lease.spent >= lease.amount ? 0n : lease.amount - lease.spent),
      share: share(lease.spent, lease.amount),
      expiresAt: lease.expiresAt,
    }
  })
}

/** US dollars first (every USD-pegged token counts in it), then the other currencies of the registry. */
export function units(registry: TokenRegistry.Registry): Unit[] {
  const others = registry.entries
    .filter((entry) => !entry.usdPegged)
    .map((entry) => ({ name: entry.key, label: entry.kind === 'iso' ? entry.symbol : `${entry.symbol} on ${Chains.name(entry.chainId)}` }))
  return [{ name: 'usd', label: 'USD' }, ...others]
}

function applies(scope: Scope.Normalized): Applies {
  return { scope: Scope.describe(scope), upstream: scope.upstream }
}

function fields(scope: Scope.Normalized): ScopeFields {
  return { server: scope.upstream ?? '', ...(scope.operation && { operation: scope.operation }), target: scope.target ?? '', host: scope.host ?? '' }
}

/** `used / amount`, computed on BigInts to four places, capped at 1. */
function share(used: bigint, amount: bigint): number {
  if (amount === 0n) return 1 // a zero budget has no room at all
  const tenThousandths = (used * 10_000n) / amount
  return tenThousandths >= 10_000n ? 1 : Number(tenThousandths) / 10_000
}
