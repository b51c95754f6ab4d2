import * as Budgets from '../ledger/Budgets.js'
import * as Period from '../ledger/Period.js'
import * as KnownServers from './KnownServers.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Money from './Money.js'
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
  replace: { type: 'boolean' },
  ...KnownServers.flag,
  json: { type: 'boolean' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance budget list [--json]',
    `allowance budget set <amount> [--period day|week|month] [--unit UNIT] ${Scopes.usage} [--label TEXT] [--replace] [--force]`,
    'allowance budget remove <id>',
  ],
  about: 'Spending caps per day, week or month: a payment that would go over a budget covering it is declined.',
  actions: [
    ['set', 'caps what may be spent per period in that scope'],
    ['list', 'what each budget has used and has left in its current period'],
    ['remove', 'takes a budget away'],
  ],
  arguments: [
    ['<amount>', 'the most per period, in human units of --unit: 2 with --unit usd is two dollars'],
    ['<id>', "a budget's id, as budget list shows it"],
  ],
  options: [
    ['--period PERIOD', 'day (the default, from local midnight), week (from Monday) or month'],
    Money.unitHelp,
    ...Scopes.help,
    ['--label TEXT', 'a note of yours, shown in the list'],
    ['--replace', 'set: replace the budget with the same period, unit and scope (what it used still counts)'],
    KnownServers.help,
    ['--json', 'list: the budgets as JSON'],
  ],
  examples: ['allowance budget set 2.00', 'allowance budget set 20 --period week --server https://tools.example.com/mcp', 'allowance budget list'],
})

/** "$2.00 per day for every server". */
function terms(budget: Budgets.Budget): string {
  return `${Money.format(budget.amount, budget.unit)} per ${budget.period} for ${Scopes.describe(budget)}`
}

/** `allowance budget …`: spending caps per day, week or month. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  switch (action) {
    case 'list': {
      Options.noMore(rest, 0)
      const now = new Date()
      const budgets = LedgerAccess.use((db) => Budgets.list(db).map((budget) => ({ budget, usage: Budgets.usage(db, budget, now) })))
      if (values.json) {
        const json = budgets.map(({ budget, usage }) => ({
          id: budget.id,
          period: budget.period,
          ...Scopes.toJson(budget),
          unit: budget.unit,
          amount: budget.amount,
          used: usage.used,
          remaining: usage.remaining,
          formatted: { amount: Money.format(budget.amount, budget.unit), used: Money.format(usage.used, budget.unit), remaining: Money.format(usage.remaining, budget.unit) },
          periodStart: new Date(usage.start).toISOString(),
          periodEnd: new Date(usage.end).toISOString(),
          label: budget.label,
        }))
        console.log(Output.json(json))
      } else if (budgets.length === 0) console.log('No budgets. Set one with `allowance budget set`.')
      else {
        const rows = budgets.map(({ budget, usage }) => [
          String(budget.id),
          `${Money.format(budget.amount, budget.unit)} per ${budget.period}`,
          Money.format(usage.used, budget.unit),
          Money.format(usage.remaining, budget.unit),
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
      Options.noMore(rest, 1)
      if (amountText === undefined) throw new UsageError('give the budget amount, like 5 or 0.50.')
      const period = values.period as Period.Period
      if (!Period.periods.includes(period)) throw new UsageError(`--period must be day, week or month, not "${values.period}".`)
      const scope = Scopes.read(values)
      const unit = Money.unit(values.unit)
      const amount = Options.check(() => Units.amount(amountText, unit))
      const parameters = { period, scope, unit: unit.unit, amount, label: values.label ?? null, now: Date.now() }
      const { budget, replaced, used } = LedgerAccess.use((db) => {
        // Before the write lock: it reads the hosts' files, and the companion's decisions wait on that lock.
        KnownServers.check(db, scope.upstream, { force: values.force, what: 'budget' })
        return db
          .transaction(() => {
            const [twin] = Budgets.alike(db, parameters)
            if (twin && !values.replace) throw new UsageError(`budget ${twin.id} already caps ${terms(twin)}; give --replace to replace it.`)
            const set = Budgets.set(db, parameters)
            return { ...set, used: Budgets.usage(db, set.budget, new Date(parameters.now)).used }
          })
          .immediate()
      })
      const instead = replaced.length ? ` (replaces budget ${replaced.join(', ')})` : ''
      console.log(`Budget ${budget.id}: ${terms(budget)}${instead}; ${Money.format(used, budget.unit)} already used ${period === 'day' ? 'today' : `this ${period}`}.`)
      return 0
    }
    case 'remove':
      return LedgerAccess.end({ args: rest, what: 'budget', done: 'removed', end: Budgets.remove })
    default:
      throw new UsageError(action ? `unknown budget action "${action}".` : 'budget needs an action: list, set or remove.')
  }
}
