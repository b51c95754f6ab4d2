import * as Discovery from '../companion/Discovery.js'
import * as ServersViews from '../companion/ServersViews.js'
import * as Prices from '../ledger/Prices.js'
import * as Scope from '../ledger/Scope.js'
import * as ServerSettings from '../ledger/ServerSettings.js'
import * as Log from '../shared/Log.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Money from './Money.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'
import { UsageError } from './UsageError.js'

export const flags = {
  json: { type: 'boolean', default: false },
  refresh: { type: 'boolean', default: false },
  'describe-prices': { type: 'string' },
  'status-tool': { type: 'string' },
} as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance servers prices <server> [--refresh] [--json]', 'allowance servers options <server> [--describe-prices on|off] [--status-tool on|off] [--json]'],
  about: `What a server's calls cost, as far as Allowance knows, and what the agent is told about it.
Prices come from the server's discovery document (<origin>/openapi.json, looked at every few
hours), from the challenges it sent, and from x402 offers; each is shown with where it came from
and when. They are advisory: Allowance always pays what the live request asks, within your rules.`,
  arguments: [['<server>', 'its URL (or stdio command line), as the bridge was given it']],
  actions: [
    ['prices', "every known price, per call and source; the one Allowance goes by is marked *"],
    ['options', "shows or sets what the agent sees: prices in the tool list (on by default),\nthe read-only allowance_payments_status tool (off by default)"],
  ],
  options: [
    ['--refresh', "prices: read the server's discovery document now"],
    ['--describe-prices on|off', 'options: append known prices to paid tools\' descriptions'],
    ['--status-tool on|off', 'options: offer the agent the read-only status tool'],
    ['--json', 'as JSON'],
  ],
  examples: ['allowance servers prices https://tools.example.com/mcp', 'allowance servers options https://tools.example.com/mcp --status-tool on'],
})

/** `allowance servers prices|options <server>`. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  const [action, server] = positionals
  Options.noMore(positionals, 2)
  if (action !== 'prices' && action !== 'options') throw new UsageError(action ? `unknown servers action "${action}".` : 'which servers action: prices or options?')
  if (!server) throw new UsageError('which server? Give its URL, as the bridge was given it.')
  const upstream = Scope.upstream(server)
  if (action === 'prices') {
    if (values['describe-prices'] !== undefined || values['status-tool'] !== undefined) throw new UsageError('--describe-prices and --status-tool go with `servers options`.')
    return prices(upstream, values)
  }
  if (values.refresh) throw new UsageError('--refresh goes with `servers prices`.')
  const patch = { describePrices: onOff(values['describe-prices'], '--describe-prices'), statusTool: onOff(values['status-tool'], '--status-tool') }
  const changing = patch.describePrices !== undefined || patch.statusTool !== undefined
  const settings = LedgerAccess.use((db) => (changing ? ServerSettings.set(db, upstream, patch, Date.now()) : ServerSettings.get(db, upstream)))
  if (values.json) console.log(Output.json({ server: upstream, ...settings }))
  else {
    console.log(`${Scope.upstreamLabel(upstream)}: prices in the agent's tool list ${settings.describePrices ? 'on' : 'off'}; the status tool ${settings.statusTool ? 'on' : 'off'}.`)
    if (changing) console.log('Agents see it the next time they list the tools.')
  }
  return 0
}

async function prices(upstream: string, values: { json?: boolean; refresh?: boolean }): Promise<number> {
  if (values.refresh) {
    if (!Discovery.documentUrl(upstream)) throw new UsageError('only a server reached over HTTP has a discovery document.')
    await LedgerAccess.useAsync(async (db) => {
      const log = Log.create({ name: 'cli', stderr: false })
      await Discovery.create({ db, registry: Money.registry, log }).refresh(upstream, { force: true })
    })
  }
  const { rows, check } = LedgerAccess.use((db) => ({ rows: ServersViews.prices(db, upstream), check: ServersViews.discovery(db, upstream) }))
  if (values.json) {
    console.log(Output.json({ server: upstream, discovery: check, prices: rows }))
    return 0
  }
  const label = Scope.upstreamLabel(upstream)
  if (check) {
    const when = Output.time(check.checkedAt)
    if (check.outcome === 'found') console.log(`${label} publishes its prices at ${check.url} (read ${when}).`)
    else if (check.outcome === 'none') console.log(`${label} publishes no discovery document at ${check.url} (looked ${when}).`)
    else console.log(`${label}'s discovery document at ${check.url} was ignored (${when}): ${check.problem ?? 'unusable'}.`)
  }
  if (rows.length === 0) {
    console.log(`No price is known for ${label} yet: it shows once the server publishes one or asks for a payment.`)
    return 0
  }
  const words: Record<Prices.Source, string> = { discovery: 'discovery document', challenge: 'challenge', x402: 'x402 offer' }
  const table = rows.map((row) => [
    `${row.inForce ? '*' : ' '} ${Scope.call(row.operation, row.target)}`,
    `${row.price}${row.aboveAdvertised ? ' (more than advertised)' : ''}`,
    words[row.source],
    Output.time(row.seenAt),
  ])
  console.log(Output.table(['  call', 'price', 'from', 'seen'], table))
  return 0
}

function onOff(value: string | undefined, flag: string): boolean | undefined {
  if (value === undefined) return undefined
  if (value === 'on') return true
  if (value === 'off') return false
  throw new UsageError(`${flag} is on or off, not "${value}".`)
}
