import * as SubscriptionViews from '../companion/SubscriptionViews.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = { json: { type: 'boolean' } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance subscriptions list [--json]'],
  about:
    'The subscriptions you approved on a card: the amount per period, the state, the next charge and the charges so far, as the ledger has them (the companion looks the charges up on chain). Cancel one in Rules & budgets: its wallet revokes the server\'s key.',
  actions: [['list', 'every subscription, newest first']],
  options: [['--json', 'list: the subscriptions as JSON']],
  examples: ['allowance subscriptions list'],
})

/** `allowance subscriptions list`: the subscriptions approved, as Rules & budgets shows them. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  if (action !== 'list') throw new UsageError(action ? `unknown subscriptions action "${action}".` : 'subscriptions needs an action: list.')
  Options.noMore(rest, 0)
  const subscriptions = LedgerAccess.use((db) => SubscriptionViews.subscriptions(db, Date.now()))
  if (values.json) console.log(Output.json(subscriptions))
  else if (subscriptions.length === 0) console.log('No subscriptions.')
  else {
    const next = (at: number | null) => (at === null ? '—' : Output.time(at))
    const rows = subscriptions.map((row) => [String(row.id), row.server, `${row.amount} ${row.period}`, row.state, next(row.nextChargeAt), String(row.charges)])
    console.log(Output.table(['id', 'server', 'amount', 'state', 'next charge', 'charges'], rows))
  }
  return 0
}
