import * as Doctor from '../doctor/Doctor.js'
import type * as Host from '../hosts/Host.js'
import * as Inventory from '../hosts/Inventory.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Scope from '../ledger/Scope.js'
import * as Spend from '../ledger/Spend.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import type { Server, ServersView } from '../uiapi/Contract.js'
import * as HistoryViews from './HistoryViews.js'

/**
 * The Servers screen as plain JSON (its shapes are in uiapi/Contract.ts): each upstream the ledger
 * has seen or a host entry reaches, with its last payments and what it was paid, joined with the
 * host entries that reach it; and the agent hosts' entries as `allowance doctor` lists them
 * (without starting any).
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
  const paid = Payments.upstreams(db)
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
    }),
  )
  const lastPaid = (server: Server) => server.recent[0]?.createdAt ?? 0
  return { servers: list.sort((a, b) => lastPaid(b) - lastPaid(a)), hosts: report.hosts, problems: report.problems }
}
