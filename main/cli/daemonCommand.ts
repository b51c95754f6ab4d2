import * as Options from './Options.js'
import * as Usage from './Usage.js'

export const flags = { quiet: { type: 'boolean', default: false } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance daemon [--quiet]'],
  about: `The companion without a desktop: it serves bridges on its local socket and the UI on
127.0.0.1 (the address, with its per-launch token, is printed) until Ctrl+C or SIGTERM. One runs
per data directory; a second one says so and exits with code 1.`,
  options: [['--quiet', 'print nothing; the log still goes to <ALLOWANCE_HOME>/logs (bridges start it so)']],
  environment: [['ALLOWANCE_HOME', 'the data directory (socket, ledger, logs, settings.json)']],
  examples: ['allowance daemon', 'ALLOWANCE_HOME=~/allowance-test allowance daemon --quiet'],
})

/** `allowance daemon`: the headless companion. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  Options.noMore(parsed.positionals, 0)
  return (await import('../companion/daemon.js')).run({ quiet: parsed.values.quiet })
}
