import * as AddressShares from '../ledger/AddressShares.js'
import * as Budgets from '../ledger/Budgets.js'
import * as Leases from '../ledger/Leases.js'
import * as Rules from '../ledger/Rules.js'
import * as Scope from '../ledger/Scope.js'
import * as Settings from '../ledger/Settings.js'
import * as Units from '../payments/Units.js'
import { BudgetBody, EditBody, PauseBody, RuleBody, type AddressShare, type Done, type Paused, type Scope as ScopeRequest } from '../uiapi/Contract.js'
import type { Companion } from './Companion.js'
import * as PolicyViews from './PolicyViews.js'
import * as SubscriptionViews from './SubscriptionViews.js'
import { body, input, notFound, ok, RouteError, type Route } from './UiRoute.js'

/**
 * The Rules & budgets screen's endpoints: what `allowance rules|budget|leases|pause|resume` do,
 * with the same checks (the ledger's and the registry's), so bad input is refused with the same
 * sentence and changes nothing. Amounts arrive as the user typed them ("0.50") with a unit name,
 * and become BigInt atomic units here.
 *
 * - `GET /api/rules`, `POST /api/rules` `{ kind, amount, unit?, scope?, label? }`,
 *   `PATCH /api/rules/:id` `{ amount?, scope?, label? }`, `POST /api/rules/:id/remove`, `POST /api/rules/:id/restore`
 * - `GET /api/budgets`, `POST /api/budgets` `{ amount, period, unit?, scope?, label? }` (replaces the
 *   budget of the same period, unit and scope), `PATCH /api/budgets/:id` `{ amount?, scope?, label? }`,
 *   `POST /api/budgets/:id/remove`, `POST /api/budgets/:id/restore`
 *
 * An edit makes a new rule or budget (the history keeps naming the old one, which names its
 * successor) in one transaction; a budget's use carries over, being counted from the payment rows.
 * - `GET /api/leases` (in force), `POST /api/leases/:id/revoke`
 * - `GET /api/shares` (the servers the wallet's address is shown to when they ask), `POST /api/shares/:id/remove`
 * - `GET /api/subscriptions` (every one approved, with the charges the ledger holds, at once; new ones are looked up on chain behind the answer), `POST /api/subscriptions/:id/cancel`
 * - `POST /api/pause` `{ paused }`; `GET /api/units`
 *
 * `scope` is `{ server?, operation?, target?, host? }`; blank fields mean any.
 */
export function routes(companion: Companion): Route[] {
  const { db } = companion
  const money = (amount: bigint, unit: string) => Units.format(amount, unit, companion.registry)
  /** An amount typed in `unit` (a name the user picked), checked as the CLI checks `--unit` and `<amount>`. */
  const typed = (amount: string, unitName: string) =>
    input(() => {
      const unit = Units.resolve(unitName, companion.registry)
      return { unit: unit.unit, amount: Units.amount(amount, unit) }
    })
  /** A new amount for an existing rule or budget, in its own unit. */
  const retyped = (amount: string, unit: string) => {
    const described = Units.describe(unit, companion.registry)
    if (!described) throw new RouteError(400, `Allowance no longer knows the unit ${unit}; remove this and add it again.`)
    return input(() => Units.amount(amount, { unit, decimals: described.decimals }))
  }
  /** An edit's body as the ledger takes it: the amount in the row's unit, the scope checked as an added one's, a blank label cleared. */
  const edit = (value: unknown, unit: string): Rules.Edit & Budgets.Edit => {
    const given = body(EditBody, value, 'change')
    if (given.amount === undefined && given.scope === undefined && given.label === undefined) throw new RouteError(400, 'Give a new amount, scope or label.')
    return {
      amount: given.amount === undefined ? undefined : retyped(given.amount, unit),
      scope: given.scope && scopeOf(given.scope),
      label: given.label === undefined ? undefined : given.label || null,
    }
  }
  /** Whether `edit` leaves `row` as it is. */
  const unchanged = (row: Scope.Normalized & { amount: bigint; label: string | null }, change: Rules.Edit) =>
    (change.amount === undefined || change.amount === row.amount) &&
    (change.scope === undefined || Scope.same(row, Scope.normalize(change.scope))) &&
    (change.label === undefined || change.label === row.label)

  /**
   * `POST /api/<kind>s/:id/remove` and `POST /api/<kind>s/:id/restore` for rules and budgets.
   *
   * Undo restores rather than delays: a removal takes effect at once (the next payment is decided
   * without the rule or budget, as the user expects after clicking Remove), and the ledger never
   * deletes a row anyway (the history names rules and budgets by id). Undo clears the removal of
   * that same row, so the id the history names and a budget's spent history (counted from the
   * payment rows, payments made meanwhile included) come back with it. A delayed deletion would
   * instead need a timer that a restart of the companion could lose, and would keep deciding with
   * a rule the user had just removed.
   */
  function removing(kind: 'rule' | 'budget', table: Removable, describe: (id: number) => string): Route[] {
    const name = `${kind[0]!.toUpperCase()}${kind.slice(1)}`
    return [
      {
        method: 'POST',
        path: new RegExp(`^/api/${kind}s/(\\d+)/remove$`),
        answer({ params }) {
          const id = Number(params[0])
          if (!table.remove(db, id, Date.now())) throw notFound(kind, id)
          return ok({ id, message: `${name} ${id} removed.` } satisfies Done)
        },
      },
      {
        method: 'POST',
        path: new RegExp(`^/api/${kind}s/(\\d+)/restore$`),
        answer({ params }) {
          const id = Number(params[0])
          const restored = (() => {
            try {
              return table.restore(db, id, { now: Date.now(), within: undoWindowMs })
            } catch (error) {
              throw new RouteError(409, (error as Error).message)
            }
          })()
          if (!restored) throw table.get(db, id) ? new RouteError(409, `${name} ${id} is in force: there is no removal to undo.`) : notFound(kind, id)
          return ok({ id, message: `${name} ${id} is back: ${describe(id)}.` } satisfies Done)
        },
      },
    ]
  }

  const ruleText = (rule: Rules.Rule) => `${money(rule.amount, rule.unit)} per call for ${Scope.describe(rule)}`
  const budgetText = (budget: Budgets.Budget) => `${money(budget.amount, budget.unit)} per ${budget.period} for ${Scope.describe(budget)}`

  return [
    { method: 'GET', path: /^\/api\/rules$/, answer: () => ok(PolicyViews.rules(db, companion.registry)) },
    {
      method: 'POST',
      path: /^\/api\/rules$/,
      answer(request) {
        const given = body(RuleBody, request.body, 'rule')
        const scope = scopeOf(given.scope)
        const { unit, amount } = typed(given.amount, given.unit)
        const kind = given.kind === 'auto-approve' ? 'auto_approve' : 'limit'
        const rule = input(() => Rules.add(db, { kind, scope, unit, amount, recipient: given.recipient || null, label: given.label || null, now: Date.now() }))
        const what = kind === 'auto_approve' ? `pay without asking up to ${money(amount, unit)} per call` : `decline anything above ${money(amount, unit)} per call`
        const to = rule.recipient ? `, to ${rule.recipient}` : ''
        const firstPayment = kind === 'auto_approve' && rule.upstream === null ? ' The first payment to a server never paid before still asks you.' : ''
        const firstRecipient = kind === 'auto_approve' && rule.recipient === null ? ' The first payment to a recipient you never approved for a server still asks you.' : ''
        return ok({ id: rule.id, message: `Rule ${rule.id}: ${what} for ${Scope.describe(rule)}${to}.${firstPayment}${firstRecipient}` } satisfies Done)
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/rules\/(\d+)$/,
      answer({ params, body: value }) {
        const id = Number(params[0])
        const rule = Rules.get(db, id)
        if (!rule) throw notFound('rule', id)
        const change = edit(value, rule.unit)
        if (unchanged(rule, change)) return ok({ id, message: `Rule ${id} already says that: nothing changed.` } satisfies Done)
        const changed = input(() => Rules.change(db, id, change, Date.now()))
        if (!changed) throw notFound('rule', id)
        const { rule: next, replaced } = changed
        const also = replaced.length ? ` It also replaces rule ${replaced.join(', ')}, which said the same for this scope.` : ''
        return ok({ id: next.id, message: `Rule ${next.id} replaces rule ${id}: ${ruleText(next)}${next.label ? ` (${next.label})` : ''}.${also}` } satisfies Done)
      },
    },
    ...removing('rule', Rules, (id) => ruleText(Rules.get(db, id)!)),
    { method: 'GET', path: /^\/api\/budgets$/, answer: () => ok(PolicyViews.budgets(db, companion.registry, new Date())) },
    {
      method: 'POST',
      path: /^\/api\/budgets$/,
      answer(request) {
        const given = body(BudgetBody, request.body, 'budget')
        const scope = scopeOf(given.scope)
        const { unit, amount } = typed(given.amount, given.unit)
        const { budget, replaced } = Budgets.set(db, { period: given.period, scope, unit, amount, label: given.label || null, now: Date.now() })
        const instead = replaced.length ? ` It replaces budget ${replaced.join(', ')}.` : ''
        return ok({ id: budget.id, message: `Budget ${budget.id}: ${money(amount, unit)} per ${budget.period} for ${Scope.describe(budget)}.${instead}` } satisfies Done)
      },
    },
    {
      method: 'PATCH',
      path: /^\/api\/budgets\/(\d+)$/,
      answer({ params, body: value }) {
        const id = Number(params[0])
        const budget = Budgets.get(db, id)
        if (!budget) throw notFound('budget', id)
        const change = edit(value, budget.unit)
        if (unchanged(budget, change)) return ok({ id, message: `Budget ${id} already says that: nothing changed.` } satisfies Done)
        const changed = input(() => Budgets.change(db, id, change, Date.now()))
        if (!changed) throw notFound('budget', id)
        const { budget: next, replaced } = changed
        const also = replaced.length ? ` It also replaces budget ${replaced.join(', ')}, which had the same period and scope.` : ''
        return ok({ id: next.id, message: `Budget ${next.id} replaces budget ${id}: ${budgetText(next)}${next.label ? ` (${next.label})` : ''}.${also}` } satisfies Done)
      },
    },
    ...removing('budget', Budgets, (id) => budgetText(Budgets.get(db, id)!)),
    { method: 'GET', path: /^\/api\/leases$/, answer: () => ok(PolicyViews.leases(db, companion.registry, Date.now())) },
    {
      method: 'POST',
      path: /^\/api\/leases\/(\d+)\/revoke$/,
      answer({ params }) {
        const id = Number(params[0])
        if (!Leases.revoke(db, id, Date.now())) throw new RouteError(404, `Lease ${id} is not in force (it was revoked, or there is none).`)
        return ok({ id, message: `Lease ${id} revoked: its calls ask you again.` } satisfies Done)
      },
    },
    {
      method: 'GET',
      path: /^\/api\/subscriptions$/,
      // The ledger's view at once; the servers' latest charges are looked up on chain behind it, and
      // each one booked changes the payments, which reloads the screen (a slow node holds up nothing).
      answer: () => {
        void companion.renewals.scan()
        return ok(SubscriptionViews.subscriptions(db, Date.now()))
      },
    },
    {
      method: 'POST',
      path: /^\/api\/subscriptions\/(\d+)\/cancel$/,
      async answer({ params }) {
        const id = Number(params[0])
        const outcome = await companion.cancelSubscription(id)
        if (outcome === undefined) throw new RouteError(404, `Subscription ${id} is not in force (it was cancelled, or there is none).`)
        return ok({ id, message: `Subscription ${id} cancelled. ${outcome}` } satisfies Done)
      },
    },
    {
      method: 'GET',
      path: /^\/api\/shares$/,
      answer: () => ok(AddressShares.list(db).map((share) => ({ ...share, server: Scope.upstreamLabel(share.upstream) }) satisfies AddressShare)),
    },
    {
      method: 'POST',
      path: /^\/api\/shares\/(\d+)\/remove$/,
      answer({ params }) {
        const id = Number(params[0])
        if (!AddressShares.remove(db, id, Date.now())) throw new RouteError(404, `Share ${id} is not in force (it was removed, or there is none).`)
        return ok({ id, message: `Share ${id} removed: that server's requests to see your address ask you again.` } satisfies Done)
      },
    },
    {
      method: 'POST',
      path: /^\/api\/pause$/,
      announce: 'settings.changed',
      answer(request) {
        const { paused } = body(PauseBody, request.body, 'pause')
        Settings.set(db, { paused })
        return ok({ paused, message: paused ? 'Payments paused: every payment is declined until you resume.' : 'Payments resumed.' } satisfies Paused)
      },
    },
    { method: 'GET', path: /^\/api\/units$/, answer: () => ok(PolicyViews.units(companion.registry)) },
  ]
}

/** What Rules.ts and Budgets.ts both do with a row. */
type Removable = {
  get(db: Companion['db'], id: number): unknown
  remove(db: Companion['db'], id: number, now: number): boolean
  restore(db: Companion['db'], id: number, options: { now: number; within: number }): unknown
}

/** How long after a removal its Undo still works: the screen offers it for a few seconds; this leaves room for a slow click. */
const undoWindowMs = 60_000

function scopeOf(scope: ScopeRequest): Scope.Normalized {
  return input(() => Scope.fromUser({ upstream: scope.server, operation: scope.operation, target: scope.target, host: scope.host }))
}
