import * as AddressShares from '../ledger/AddressShares.js'
import * as Scope from '../ledger/Scope.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = { json: { type: 'boolean' } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance shares list [--json]', 'allowance shares remove <id>'],
  about: 'The servers your wallet address is shown to when they ask (an identity proof; no money moves), as "Always share" on a card made them.',
  actions: [
    ['list', 'the servers your address is shared with'],
    ['remove', "stops sharing: that server's requests to see your address ask you again"],
  ],
  arguments: [['<id>', "a share's id, as shares list shows it"]],
  options: [['--json', 'list: the shares as JSON']],
  examples: ['allowance shares list', 'allowance shares remove 2'],
})

/** `allowance shares …`: the servers the wallet's address is shown to without asking. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, ...rest] = positionals
  switch (action) {
    case 'list': {
      Options.noMore(rest, 0)
      const shares = LedgerAccess.use((db) => AddressShares.list(db))
      if (values.json) console.log(Output.json(shares.map((share) => ({ ...share, createdAt: new Date(share.createdAt).toISOString() }))))
      else if (shares.length === 0) console.log('Your address is shared with no server: each asks you first.')
      else console.log(Output.table(['id', 'server', 'since'], shares.map((share) => [String(share.id), Scope.upstreamLabel(share.upstream), Output.time(share.createdAt)])))
      return 0
    }
    case 'remove':
      return LedgerAccess.end({ args: rest, what: 'share', done: 'removed', end: AddressShares.remove })
    default:
      throw new UsageError(action ? `unknown shares action "${action}".` : 'shares needs an action: list or remove.')
  }
}
