import * as Rules from '../ledger/Rules.js'
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
  unit: { type: 'string', default: 'usd' },
  label: { type: 'string' },
  recipient: { type: 'string' },
  replace: { type: 'boolean' },
  ...KnownServers.flag,
  json: { type: 'boolean' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance rules list [--json]',
    `allowance rules add auto-approve|limit <amount> [--unit UNIT] ${Scopes.usage} [--recipient ADDRESS] [--label TEXT] [--replace] [--force]`,
    'allowance rules remove <id>',
  ],
  about: `The per-call rules the companion decides by: without one, every payment asks you. Of the rules
covering a call, the narrowest decides. A recipient you never approved for a server asks you
whatever rule covers it, unless the rule names that recipient.`,
  arguments: [
    ['auto-approve', 'pay without asking at or below <amount> per call'],
    ['limit', 'decline anything above <amount> per call, even when you approve it (0 blocks)'],
    ['<amount>', 'in human units of --unit: 0.05 with --unit usd is five cents'],
    ['<id>', "a rule's id, as rules list shows it"],
  ],
  options: [
    Money.unitHelp,
    ...Scopes.help,
    ['--recipient ADDRESS', 'auto-approve: trust this recipient (an address, or a Stripe profile) without asking first'],
    ['--label TEXT', 'a note of yours, shown in the list'],
    ['--replace', 'add: replace the rule of the same kind, scope, unit and recipient'],
    KnownServers.help,
    ['--json', 'list: the rules as JSON'],
  ],
  examples: ['allowance rules add auto-approve 0.05 --server https://tools.example.com/mcp', 'allowance rules add limit 1 --host "Claude Code"', 'allowance rules remove 3'],
})

const kinds: Record<string, Rules.Kind> = { 'auto-approve': 'auto_approve', limit: 'limit' }
const kindName = (kind: Rules.Kind) => (kind === 'auto_approve' ? 'auto-approve' : 'limit')

/** "pay without asking up to $0.05 per call (every server)". */
function terms(rule: Rules.Rule): string {
  const formatted = Money.format(rule.amount, rule.unit)
  const what = rule.kind === 'auto_approve' ? `pay without asking up to ${formatted} per call` : `decline anything above ${formatted} per call`
  return `${what} (${Scopes.describe(rule)}${rule.recipient ? `, to ${rule.recipient}` : ''})`
}

/** `allowance rules …`: the per-call rules the companion decides by. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  switch (action) {
    case 'list': {
      Options.noMore(rest, 0)
      const rules = LedgerAccess.use((db) => Rules.list(db))
      if (values.json) {
        const json = rules.map((rule) => ({
          id: rule.id,
          kind: kindName(rule.kind),
          ...Scopes.toJson(rule),
          unit: rule.unit,
          amount: rule.amount,
          formatted: Money.format(rule.amount, rule.unit),
          recipient: rule.recipient,
          label: rule.label,
          createdAt: new Date(rule.createdAt).toISOString(),
        }))
        console.log(Output.json(json))
      } else if (rules.length === 0) console.log('No rules: every payment asks you. Add one with `allowance rules add`.')
      else {
        const rows = rules.map((rule) => [String(rule.id), kindName(rule.kind), `${Money.format(rule.amount, rule.unit)} per call`, ...Scopes.cells(rule), rule.recipient ?? '', rule.label ?? ''])
        console.log(Output.table(['id', 'kind', 'amount', 'server', 'call', 'host', 'recipient', 'label'], rows))
      }
      return 0
    }
    case 'add': {
      const [kindText, amountText] = rest
      Options.noMore(rest, 2)
      const kind = kinds[kindText ?? '']
      if (!kind) throw new UsageError(`the rule kind must be auto-approve or limit${kindText ? `, not "${kindText}"` : ''}.`)
      if (amountText === undefined) throw new UsageError(`give the ${kindText} amount per call, like 0.05.`)
      const scope = Scopes.read(values)
      const unit = Money.unit(values.unit)
      const amount = Options.check(() => Units.amount(amountText, unit))
      const parameters = { kind, scope, unit: unit.unit, amount, recipient: values.recipient ?? null, label: values.label ?? null, now: Date.now() }
      const { rule, replaced } = LedgerAccess.use((db) => {
        // Before the write lock: it reads the hosts' files, and the companion's decisions wait on that lock.
        KnownServers.check(db, scope.upstream, { force: values.force, what: 'rule' })
        return db
          .transaction(() => {
            const [twin] = Rules.alike(db, parameters)
            if (twin && !values.replace) throw new UsageError(`rule ${twin.id} already says: ${terms(twin)}; give --replace to replace it.`)
            return Options.check(() => Rules.set(db, parameters))
          })
          .immediate()
      })
      console.log(`Rule ${rule.id}: ${terms(rule)}${replaced.length ? `, replacing rule ${replaced.join(', ')}` : ''}.`)
      if (kind === 'auto_approve' && rule.upstream === null) console.log('The first payment to a server never paid before still asks you.')
      if (kind === 'auto_approve' && rule.recipient === null) console.log('The first payment to a recipient you never approved for a server still asks you.')
      return 0
    }
    case 'remove':
      return LedgerAccess.end({ args: rest, what: 'rule', done: 'removed', end: Rules.remove })
    default:
      throw new UsageError(action ? `unknown rules action "${action}".` : 'rules needs an action: list, add or remove.')
  }
}
