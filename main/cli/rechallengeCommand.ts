import * as Settings from '../ledger/Settings.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Options from './Options.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const usage = Usage.format({
  synopsis: ['allowance rechallenge', 'allowance rechallenge decline|ask'],
  about: `What happens when a server answers a payment with a new challenge for the same call, which
would pay twice: decline it (the default; the agent reads that Allowance did not pay again), or
ask you, with a card that says so and what changed. No rule or lease ever pays it.`,
  arguments: [
    ['decline', 'never pay a second time for one call'],
    ['ask', 'show such a payment to you; paying it is a one-off (no lease, no rule)'],
  ],
  examples: ['allowance rechallenge', 'allowance rechallenge ask'],
})

const sentences: Record<Settings.Settings['rechallenge'], string> = {
  decline: 'A second payment for one call is declined: Allowance never pays twice without you.',
  ask: 'A second payment for one call asks you, with a card that says it pays twice.',
}

/** `allowance rechallenge [decline|ask]`: shows or sets the `rechallenge` setting. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  const [choice] = parsed.positionals
  Options.noMore(parsed.positionals, 1)
  if (choice !== undefined && choice !== 'decline' && choice !== 'ask') throw new UsageError(`give decline or ask, not "${choice}".`)
  const now = LedgerAccess.use((db) => (choice ? Settings.set(db, { rechallenge: choice }) : Settings.get(db)).rechallenge)
  console.log(sentences[now])
  return 0
}
