import { CompanionUnavailableError, status } from '../wire/Client.js'
import * as Home from '../shared/Home.js'
import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const usage = Usage.format({
  synopsis: ['allowance open'],
  about: `Prints the address of the running companion's UI, where payments that wait for you are
answered: open it in a browser on this machine. (It carries this launch's token, so it is printed,
not passed to another program's command line.) The desktop app has its window instead.`,
  examples: ['allowance open'],
})

/** `allowance open`. Asks the running companion where its UI is; never starts one. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, {}, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0)
  try {
    const { ui } = await status(Home.paths(Home.resolve()).socket, 3000)
    console.log(ui ?? 'Allowance runs as the desktop app: open its window from the tray.')
    return 0
  } catch (error) {
    if (!(error instanceof CompanionUnavailableError)) throw error
    console.error('allowance: no companion is running: start one with `npm start` (or `allowance start`), which prints its UI address.')
    return 1
  }
}
