import * as Budgets from '../ledger/Budgets.js'
import * as Period from '../ledger/Period.js'
import * as Ledger from './Ledger.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Scopes from './Scopes.js'
import * as Units from '../payments/Units.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = {
  ...Scopes.flags,
  period: { type: 'string', default: 'day' },
  unit: { type: 'string', default: 'usd' },
  label: { type: 'string' },
  json: { type: 'boolean' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance budget list [--json]',
    `allowance budget set <amount> [--period day|week|month] [--unit UNIT] ${Scopes.usage} [--label TEXT]`,
    'allowance budget remove <id>',
  ],
  about: 'Spending caps per day, week or month: a payment that would go over a budget covering it is declined.',
  actions: [
    ['set', 'caps what may be spent per period in that scope; it replaces the budget with the\nsame period, unit and scope, keeping what was used'],
    ['list', 'what each budget has used and has left in its current period'],
    ['remove', 'takes a budget away'],
  ],
  arguments: [
    ['<amount>', 'the most per period, in human units of --unit: 2 with --unit usd is two dollars'],
    ['<id>', "a budget's id, as budget list shows it"],
  ],
  options: [
    ['--period PERIOD', 'day (the default, from local midnight), week (from Monday) or month'],
    Ledger.unitHelp,
    ...Scopes.help,
    ['--label TEXT', 'a note of yours, shown in the list'],
    ['--json', 'list: the budgets as JSON'],
  ],
  examples: ['allowance budget set 2.00', 'allowance budget set 20 --period week --server https://tools.example.com/mcp', 'allowance budget list'],
})

/** `allowance budget …`: spending caps per day, week or month. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  switch (action) {
    case 'list': {
      Options.noMore(rest, 0, usage)
      const now = new Date()
      const budgets = Ledger.use((db) => Budgets.list(db).map((budget) => ({ budget, usage: Budgets.usage(db, budget, now) })))
      if (values.json) {
        const json = budgets.map(({ budget, usage }) => ({
          id: budget.id,
          period: budget.period,
          ...Scopes.toJson(budget),
          unit: budget.unit,
          amount: budget.amount,
          used: usage.used,
          remaining: usage.remaining,
          formatted: { amount: Ledger.money(budget.amount, budget.unit), used: Ledger.money(usage.used, budget.unit), remaining: Ledger.money(usage.remaining, budget.unit) },
          periodStart: new Date(usage.start).toISOString(),
          periodEnd: new Date(usage.end).toISOString(),
          label: budget.label,
        }))
        console.log(Output.json(json))
      } else if (budgets.length === 0) console.log('No budgets. Set one with `allowance budget set`.')
      else {
        const rows = budgets.map(({ budget, usage }) => [
          String(budget.id),
          `${Ledger.money(budget.amount, budget.unit)} per ${budget.period}`,
          Ledger.money(usage.used, budget.unit),
          Ledger.money(usage.remaining, budget.unit),
          `in ${Output.duration(usage.end - now.getTime())}`,
          ...Scopes.cells(budget),
          budget.label ?? '',
        ])
        console.log(Output.table(['id', 'budget', 'used', 'remaining', 'resets', 'server', 'call', 'host', 'label'], rows))
      }
      return 0
    }
    case 'set': {
      const [amountText] = rest
      Options.noMore(rest, 1, usage)
      if (amountText === undefined) throw new UsageError('give the budget amount, like 5 or 0.50.', usage)
      const period = values.period as Period.Period
      if (!Period.periods.includes(period)) throw new UsageError(`--period must be day, week or month, not "${values.period}".`, usage)
      const scope = Scopes.read(values, usage)
      const unit = Ledger.unit(values.unit, usage)
      const amount = Options.check(usage, () => Units.amount(amountText, unit))
      const { budget, replaced, used } = Ledger.use((db) => {
        const now = Date.now()
        const set = Budgets.set(db, { period, scope, unit: unit.unit, amount, label: values.label ?? null, now })
        return { ...set, used: Budgets.usage(db, set.budget, new Date(now)).used }
      })
      const instead = replaced.length ? ` (replaces budget ${replaced.join(', ')})` : ''
      console.log(`Budget ${budget.id}: ${Ledger.money(budget.amount, budget.unit)} per ${period} for ${Scopes.describe(budget)}${instead}; ${Ledger.money(used, budget.unit)} already used ${period === 'day' ? 'today' : `this ${period}`}.`)
      return 0
    }
    case 'remove':
      return Ledger.end({ args: rest, what: 'budget', done: 'removed', usage, end: Budgets.remove })
    default:
      throw new UsageError(action ? `unknown budget action "${action}".` : 'budget needs an action: list, set or remove.', usage)
  }
}
