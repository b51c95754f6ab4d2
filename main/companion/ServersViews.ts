import * as Doctor from '../doctor/Doctor.js'
import type * as Host from '../hosts/Host.js'
import * as Inventory from '../hosts/Inventory.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Scope from '../ledger/Scope.js'
import * as Spend from '../ledger/Spend.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as Units from '../payments/Units.js'
import * as HistoryViews from './HistoryViews.js'

/**
 * The Servers screen as plain JSON: each upstream the ledger has seen or a host entry reaches,
 * with its last payments and what it was paid, joined with the host entries that reach it; and
 * the agent hosts' entries as `allowance doctor` lists them (without starting any).
 */
export type ServersView = {
  /** Most recently paid first, then those no payment went to yet. */
  servers: Server[]
  hosts: Doctor.HostReport[]
  /**
   * What the host entries' files and the data directory show is wrong (nothing going through
   * Allowance, a file that does not parse, no wallet and no card), without starting an entry,
   * reading the keychain or asking the companion's socket: "Check now" does those.
   */
  problems: Doctor.Problem[]
}

export type Server = {
  upstream: string
  /** The host of its URL, or its command. */
  label: string
  /** How many payments it asked for. */
  payments: number
  /** What it was paid or holds (everything but declined and failed, fees included), one amount per budget unit. */
  spent: string[]
  /** The newest few payments. */
  recent: HistoryViews.HistoryRow[]
  /**
   * How many times in the last 7 days it answered a payment with a new challenge for the same call
   * (Allowance did not pay again); a server that does it repeatedly is flagged.
   */
  rechallenges: number
  /** The host entries that reach it, through Allowance or directly. */
  entries: EntryRef[]
}

/** What a change to a host's config did: the sentence, and the host's restart hint when it needs one. */
export type HostChange = { message: string; changed: boolean; restart: string | null }

export type EntryRef = { hostId: string; host: string; name: string; file: string; throughAllowance: boolean; routable: boolean }

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
