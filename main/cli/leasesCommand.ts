import * as Leases from '../ledger/Leases.js'
import * as KnownServers from './KnownServers.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Money from './Money.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Scopes from './Scopes.js'
import * as Units from '../payments/Units.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

const maxMinutes = 7 * 24 * 60

export const flags = {
  ...Scopes.flags,
  minutes: { type: 'string' },
  unit: { type: 'string', default: 'usd' },
  ...KnownServers.flag,
  all: { type: 'boolean' },
  json: { type: 'boolean' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: [
    'allowance leases list [--all] [--json]',
    'allowance leases add <amount> --minutes N --server URL [--tool NAME | --resource URI | --prompt NAME] [--host NAME] [--unit UNIT] [--force]',
    'allowance leases revoke <id>',
  ],
  about: 'Time-boxed allowances, as the approval popup grants them: "allow this server for 30 minutes, up to $2".',
  actions: [
    ['add', 'lets that server (or tool) be paid without asking for N minutes, up to <amount> in total'],
    ['list', 'the active leases, with what is left of each and for how long'],
    ['revoke', 'ends a lease now'],
  ],
  arguments: [
    ['<amount>', 'the most the lease may spend in total, in human units of --unit'],
    ['<id>', "a lease's id, as leases list shows it"],
  ],
  options: [
    ['--minutes N', `how long the lease lasts, up to ${maxMinutes.toLocaleString('en')} (a week)`],
    ...Scopes.help,
    Money.unitHelp,
    KnownServers.help,
    ['--all', 'list: expired and revoked leases too'],
    ['--json', 'list: the leases as JSON'],
  ],
  examples: ['allowance leases add 2 --minutes 30 --server https://tools.example.com/mcp', 'allowance leases list', 'allowance leases revoke 4'],
})

/** `allowance leases …`: time-boxed allowances, as the approval popup grants them. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  switch (action) {
    case 'list': {
      Options.noMore(rest, 0)
      const now = Date.now()
      const leases = LedgerAccess.use((db) => Leases.list(db, values.all ? {} : { activeAt: now }))
      const state = (lease: Leases.Lease) => (lease.revokedAt !== null ? 'revoked' : lease.expiresAt <= now ? 'expired' : 'active')
      const left = (lease: Leases.Lease) => (lease.spent >= lease.amount ? 0n : lease.amount - lease.spent)
      if (values.json) {
        const json = leases.map((lease) => ({
          id: lease.id,
          state: state(lease),
          ...Scopes.toJson(lease),
          unit: lease.unit,
          amount: lease.amount,
          spent: lease.spent,
          remaining: left(lease),
          formatted: { amount: Money.format(lease.amount, lease.unit), spent: Money.format(lease.spent, lease.unit), remaining: Money.format(left(lease), lease.unit) },
          createdAt: new Date(lease.createdAt).toISOString(),
          expiresAt: new Date(lease.expiresAt).toISOString(),
          secondsLeft: state(lease) === 'active' ? Math.floor((lease.expiresAt - now) / 1000) : 0,
        }))
        console.log(Output.json(json))
      } else if (leases.length === 0) console.log(values.all ? 'No leases.' : 'No active leases.')
      else {
        const rows = leases.map((lease) => [
          String(lease.id),
          state(lease) === 'active' ? `${Output.duration(lease.expiresAt - now)} left` : state(lease),
          `${Money.format(left(lease), lease.unit)} of ${Money.format(lease.amount, lease.unit)}`,
          ...Scopes.cells(lease),
        ])
        console.log(Output.table(['id', 'time', 'left to spend', 'server', 'call', 'host'], rows))
      }
      return 0
    }
    case 'add': {
      const [amountText] = rest
      Options.noMore(rest, 1)
      if (amountText === undefined) throw new UsageError('give the most the lease may spend in total, like 2.')
      if (values.minutes === undefined) throw new UsageError('give how long the lease lasts with --minutes N.')
      if (values.server === undefined) throw new UsageError('a lease names the server it allows: give --server.')
      const minutes = Options.count(values.minutes, 'minutes', maxMinutes)
      const scope = Scopes.read(values)
      const unit = Money.unit(values.unit)
      const amount = Options.check(() => Units.amount(amountText, unit))
      const now = Date.now()
      const lease = LedgerAccess.use((db) => {
        KnownServers.check(db, scope.upstream, { force: values.force, what: 'lease' })
        return Leases.add(db, { scope, unit: unit.unit, amount, expiresAt: now + minutes * 60_000, now })
      })
      console.log(`Lease ${lease.id}: ${Scopes.describe(lease)} may be paid without asking up to ${Money.format(amount, unit.unit)} in total, for ${Output.duration(minutes * 60_000)}.`)
      return 0
    }
    case 'revoke':
      return LedgerAccess.end({ args: rest, what: 'lease', done: 'revoked', end: Leases.revoke })
    default:
      throw new UsageError(action ? `unknown leases action "${action}".` : 'leases needs an action: list, add or revoke.')
  }
}
