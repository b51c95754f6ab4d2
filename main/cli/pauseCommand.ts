import * as Settings from '../ledger/Settings.js'
import * as Ledger from './Ledger.js'
import * as Options from './Options.js'

export const usage = `allowance pause     the kill switch: every payment is declined (reason "paused") until you resume
allowance resume    pay again by your rules, budgets and leases`

/** `allowance pause` and `allowance resume`. Payments waiting for you are declined when approved while paused. */
export async function run(argv: readonly string[], paused: boolean): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0, usage)
  const before = Ledger.use((db) =>
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
