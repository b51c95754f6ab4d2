import * as Settings from '../ledger/Settings.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const usage = Usage.format({
  synopsis: ['allowance pause', 'allowance resume'],
  about: `The kill switch: pause declines every payment (reason "paused"), even one you approve
while paused, until resume; resume pays again by your rules, budgets and leases.`,
  examples: ['allowance pause', 'allowance resume'],
})

/** `allowance pause` and `allowance resume`. Payments waiting for you are declined when approved while paused. */
export async function run(argv: readonly string[], paused: boolean): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0)
  const before = LedgerAccess.use((db) =>
    db
      .transaction(() => {
        const was = Settings.get(db).paused
        Settings.set(db, { paused })
        return was
      })
      .immediate(),
  )
  if (paused) console.log(before ? 'Payments were already paused.' : 'Payments paused: every payment is declined until `allowance resume`.')
  else console.log(before ? 'Payments resumed.' : 'Payments were not paused.')
  return 0
}
