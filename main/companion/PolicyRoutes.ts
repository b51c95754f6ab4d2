import * as z from 'zod'
import * as Budgets from '../ledger/Budgets.js'
import * as Leases from '../ledger/Leases.js'
import * as Period from '../ledger/Period.js'
import * as Rules from '../ledger/Rules.js'
import * as Scope from '../ledger/Scope.js'
import * as Settings from '../ledger/Settings.js'
import * as Units from '../payments/Units.js'
import type { Companion } from './Companion.js'
import * as PolicyViews from './PolicyViews.js'
import { body, input, notFound, ok, RouteError, type Route } from './UiRoute.js'

/**
 * The Rules & budgets screen's endpoints: what `allowance rules|budget|leases|pause|resume` do,
 * with the same checks (the ledger's and the registry's), so bad input is refused with the same
 * sentence and changes nothing. Amounts arrive as the user typed them ("0.50") with a unit name,
 * and become BigInt atomic units here.
 *
 * - `GET /api/rules`, `POST /api/rules` `{ kind, amount, unit?, scope?, label? }`,
 *   `POST /api/rules/:id` `{ amount }`, `POST /api/rules/:id/remove`
 * - `GET /api/budgets`, `POST /api/budgets` `{ amount, period, unit?, scope?, label? }` (replaces the
 *   budget of the same period, unit and scope), `POST /api/budgets/:id` `{ amount }`, `POST /api/budgets/:id/remove`
 * - `GET /api/leases` (in force), `POST /api/leases/:id/revoke`
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

  /**
   * `POST /api/<kind>s/:id` `{ amount }` and `POST /api/<kind>s/:id/remove` for rules and budgets. A
   * new amount makes a new row with the rest unchanged: the history keeps naming the old one.
   */
  function editing<Row extends { id: number; unit: string }>(kind: 'rule' | 'budget', ledger: Editable<Row>, describe: (row: Row, amount: bigint) => string): Route[] {
    const name = `${kind[0]!.toUpperCase()}${kind.slice(1)}`
    return [
      {
        method: 'POST',
        path: new RegExp(`^/api/${kind}s/(\\d+)$`),
        answer({ params, body: value }) {
          const id = Number(params[0])
          const row = ledger.get(db, id)
          if (!row) throw notFound(kind, id)
          const amount = retyped(body(ChangeBody, value, 'change').amount, row.unit)
          const changed = ledger.change(db, id, amount, Date.now())
          if (!changed) throw notFound(kind, id)
          return ok({ id: changed.id, message: `${name} ${changed.id} replaces ${kind} ${id}: ${describe(changed, amount)}.` })
        },
      },
      {
        method: 'POST',
        path: new RegExp(`^/api/${kind}s/(\\d+)/remove$`),
        answer({ params }) {
          const id = Number(params[0])
          if (!ledger.remove(db, id, Date.now())) throw notFound(kind, id)
          return ok({ id, message: `${name} ${id} removed.` })
        },
      },
    ]
  }

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
        return ok({ id: rule.id, message: `Rule ${rule.id}: ${what} for ${Scope.describe(rule)}${to}.${firstPayment}${firstRecipient}` })
      },
    },
    ...editing('rule', Rules, (rule, amount) => `${money(amount, rule.unit)} per call for ${Scope.describe(rule)}`),
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
        return ok({ id: budget.id, message: `Budget ${budget.id}: ${money(amount, unit)} per ${budget.period} for ${Scope.describe(budget)}.${instead}` })
      },
    },
    ...editing('budget', Budgets, (budget, amount) => `${money(amount, budget.unit)} per ${budget.period} for ${Scope.describe(budget)}`),
    { method: 'GET', path: /^\/api\/leases$/, answer: () => ok(PolicyViews.leases(db, companion.registry, Date.now())) },
    {
      method: 'POST',
      path: /^\/api\/leases\/(\d+)\/revoke$/,
      answer({ params }) {
        const id = Number(params[0])
        if (!Leases.revoke(db, id, Date.now())) throw new RouteError(404, `Lease ${id} is not in force (it was revoked, or there is none).`)
        return ok({ id, message: `Lease ${id} revoked: its calls ask you again.` })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/pause$/,
      announce: 'settings.changed',
      answer(request) {
        const { paused } = body(PauseBody, request.body, 'pause')
        Settings.set(db, { paused })
        return ok({ paused, message: paused ? 'Payments paused: every payment is declined until you resume.' : 'Payments resumed.' })
      },
    },
    { method: 'GET', path: /^\/api\/units$/, answer: () => ok(PolicyViews.units(companion.registry)) },
  ]
}

/** What Rules.ts and Budgets.ts both do with a row. */
type Editable<Row> = {
  get(db: Companion['db'], id: number): Row | undefined
  change(db: Companion['db'], id: number, amount: bigint, now: number): Row | undefined
  remove(db: Companion['db'], id: number, now: number): boolean
}

function scopeOf(scope: z.infer<typeof ScopeBody>): Scope.Normalized {
  return input(() => Scope.fromUser({ upstream: scope.server, operation: scope.operation, target: scope.target, host: scope.host }))
}

const amount = z.string().trim().min(1, 'give an amount, like 0.50').max(80, 'the amount is too long')
const unit = z.string().max(100).default('usd')
const label = z.string().trim().max(200, 'a label has at most 200 characters').optional()
const ScopeBody = z
  .strictObject({
    server: z.string().max(4096).optional(),
    operation: z.enum(Scope.operations).optional(),
    target: z.string().max(1024).optional(),
    host: z.string().max(200).optional(),
  })
  .default({})
const recipient = z
  .string()
  .trim()
  .regex(Rules.recipientPattern, 'a recipient is an address (0x…) or a Stripe profile id')
  .optional()
const RuleBody = z.strictObject({ kind: z.enum(['auto-approve', 'limit'], 'the kind is auto-approve or limit'), amount, unit, scope: ScopeBody, recipient, label })
const BudgetBody = z.strictObject({ amount, period: z.enum(Period.periods as [Period.Period, ...Period.Period[]], 'the period is day, week or month'), unit, scope: ScopeBody, label })
const ChangeBody = z.strictObject({ amount })
const PauseBody = z.strictObject({ paused: z.boolean('paused is true or false') })
