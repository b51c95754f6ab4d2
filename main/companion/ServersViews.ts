import * as Doctor from '../doctor/Doctor.js'
import type * as Host from '../hosts/Host.js'
import * as Inventory from '../hosts/Inventory.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Prices from '../ledger/Prices.js'
import * as ServerSettings from '../ledger/ServerSettings.js'
import * as Scope from '../ledger/Scope.js'
import * as Spend from '../ledger/Spend.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Quote from '../payments/Quote.js'
import * as Units from '../payments/Units.js'
import type { DiscoveryCheck, PriceRow, Server, ServersView } from '../uiapi/Contract.js'
import * as Discovery from './Discovery.js'
import * as HistoryViews from './HistoryViews.js'

/**
 * The Servers screen as plain JSON (its shapes are in uiapi/Contract.ts): each upstream the ledger
 * has seen or a host entry reaches, with its last payments and what it was paid, joined with the
 * host entries that reach it, what its calls cost as far as Allowance knows and the user's
 * choices for it; and the agent hosts' entries as `allowance doctor` lists them (without starting any).
 */
const recentCount = 5

export function servers(db: Database, registry: TokenRegistry.Registry, parameters: { dataHome: string; where: Host.Where }): ServersView {
  const report = Doctor.entries(parameters)
  const entries = report.hosts.flatMap((config) =>
    config.files.flatMap((file) =>
      file.servers.map((server) => ({
        upstream: server.upstream,
        ref: { hostId: config.host.id, host: config.host.title, name: server.name, file: file.path, throughAllowance: server.throughAllowance, routable: server.routable },
      })),
    ),
  )
  const paid = [...Payments.upstreams(db), ...Prices.upstreams(db)]
  // A local server a host runs directly is only an entry: nothing of it can be paid.
  const payable = entries.flatMap(({ upstream, ref }) => (upstream !== undefined && Inventory.payable(ref) ? [upstream] : []))
  const upstreams = [...new Set([...paid, ...payable])]
  const list = upstreams.map(
    (upstream): Server => ({
      upstream,
      label: Scope.upstreamLabel(upstream),
      payments: Payments.count(db, { upstream }),
      spent: [...Spend.totals(db, { upstream })].map(([unit, total]) => Units.format(total, unit, registry)),
      recent: Payments.list(db, { upstream, limit: recentCount }).map(HistoryViews.row),
      rechallenges: Payments.rechallenges(db, upstream, Date.now()),
      entries: entries.filter((entry) => entry.upstream === upstream).map((entry) => entry.ref),
      prices: prices(db, upstream),
      discovery: discovery(db, upstream),
      settings: ServerSettings.get(db, upstream),
    }),
  )
  const lastPaid = (server: Server) => server.recent[0]?.createdAt ?? 0
  return { servers: list.sort((a, b) => lastPaid(b) - lastPaid(a)), hosts: report.hosts, problems: report.problems }
}

/**
 * What a server's calls cost as far as Allowance knows, each source on its row with when it was
 * seen, the one in force marked: the Servers screen's prices and `allowance servers prices`.
 */
export function prices(db: Database, upstream: string): PriceRow[] {
  const known = Prices.list(db, upstream)
  const inForce = Prices.current(known)
  return known.map((price) => {
    const advertised = known.find((other) => other.source === 'discovery' && other.operation === price.operation && other.target === price.target)
    const above =
      price.source !== 'discovery' &&
      advertised !== undefined &&
      advertised.amountAtomic !== null &&
      price.amountAtomic !== null &&
      advertised.currency === price.currency &&
      price.amountAtomic > advertised.amountAtomic
    return {
      operation: price.operation,
      target: price.target,
      price: Quote.describe(price),
      source: price.source,
      seenAt: price.seenAt,
      inForce: inForce.get(`${price.operation} ${price.target}`) === price,
      aboveAdvertised: above,
    }
  })
}

/** The last look at a server's discovery document, with where it is. */
export function discovery(db: Database, upstream: string): DiscoveryCheck | null {
  const url = Discovery.documentUrl(upstream)
  const check = url && Prices.lastCheck(db, upstream)
  return check ? { url: url.href, checkedAt: check.checkedAt, outcome: check.outcome, problem: check.problem } : null
}
