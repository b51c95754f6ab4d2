import * as Database from '../main/ledger/Database.js'
import * as Payments from '../main/ledger/Payments.js'
import * as Rules from '../main/ledger/Rules.js'
import * as Home from '../main/shared/Home.js'
import * as Wallet from '../main/wallet/Wallet.js'
import { hostWithBridge } from '../test/helpers/bridge.js'
import { accounts, keys, writeConfig, type LocalChain } from '../test/helpers/chain.js'
import { startDaemon, withLedger } from '../test/helpers/companion.js'
import { stopAll, temporaryHome } from '../test/helpers/processes.js'
import { median, percentile, table } from './stats.js'

/** Timing for the paid-call benches: two paths, each a free call and a paid one, measured alike. */
export type Path = {
  free: (i: number) => Promise<unknown>
  paid: (i: number) => Promise<unknown>
  /** Resolves once the settlement work the paid call started is over (untimed). */
  settled: () => Promise<void>
}
export type Latencies = { free: number[]; paid: number[] }

/**
 * Times the paths call by call, alternating between them, so that whatever else the shared machine
 * is doing slows both alike rather than whichever happens to run second. The first `warmup`
 * rounds are not recorded.
 */
export async function timedSideBySide(paths: Path[], calls: number, warmup: number): Promise<Latencies[]> {
  const latencies = paths.map((): Latencies => ({ free: [], paid: [] }))
  const time = async (call: (i: number) => Promise<unknown>, i: number, into: number[] | undefined) => {
    const started = performance.now()
    await call(i)
    into?.push(performance.now() - started)
  }
  for (let i = -warmup; i < calls; i++) {
    for (const [index, path] of paths.entries()) {
      await time(path.free, i, i < 0 ? undefined : latencies[index]!.free)
      await time(path.paid, i, i < 0 ? undefined : latencies[index]!.paid)
      await path.settled()
    }
  }
  return latencies
}

/** What a paid call costs on top of a free one: the difference of their medians. */
export const overhead = ({ paid, free }: Latencies): number => median(paid) - median(free)

/**
 * The whole paid call as the agent waits for it, ours beside the anchor's: no target, but it reads
 * the overhead's ratio right when the two paths' free calls differ (each overhead subtracts its own).
 */
export const wholeCall = (anchor: Latencies, ours: Latencies): string =>
  `Whole paid call (median): Allowance ${fixed(median(ours.paid))} ms, the anchor ${fixed(median(anchor.paid))} ms, ratio ${fixed(median(ours.paid) / median(anchor.paid))} (no target)`

/** Milliseconds as the benches print them. */
export const fixed = (value: number): string => value.toFixed(2)

/** The paid-call benches' table: each path's free and paid medians, paid p99 and overhead. */
export function overheadTable(rows: [path: string, latencies: Latencies][]): string {
  return table(
    ['path', 'free median ms', 'paid median ms', 'paid p99 ms', 'paid − free (median) ms'],
    rows.map(([path, latencies]) => [path, fixed(median(latencies.free)), fixed(median(latencies.paid)), fixed(percentile(latencies.paid, 99)), fixed(overhead(latencies))]),
  )
}

/**
 * The untimed waits after each paid call, settlement kept out of the timed calls: until `onChain()`
 * (a count the chain adds one to per paid call) has grown for every paid call so far, and on
 * Allowance's path also until the companion's checks have confirmed each of its payments.
 * `unsettled()` counts the waits that gave up.
 */
export async function settlementWaits(onChain: () => Promise<number>, confirmed: () => number) {
  const start = await onChain()
  let paid = 0
  let ours = 0
  let unsettled = 0
  const anchor = async () => {
    paid++
    if (!(await until(async () => (await onChain()) - start >= paid, 5))) unsettled++
  }
  return {
    anchor,
    async ours() {
      await anchor()
      ours++
      if (!(await until(() => confirmed() >= ours, 10))) unsettled++
    },
    unsettled: () => unsettled,
  }
}

/** Polls `done` until it holds; false if it did not within `timeoutMs`. */
export async function until(done: () => boolean | Promise<boolean>, everyMs: number, timeoutMs = 15_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs
  while (!(await done())) {
    if (Date.now() > deadline) return false
    await new Promise((resolve) => setTimeout(resolve, everyMs))
  }
  return true
}

/**
 * Allowance's side of a paid-call bench: a data directory with the chain's token (and `config`
 * merged into its settings.json), the payer's key and an auto-approve rule up to `ruleAmount`
 * (default $1.00) for each of `serverUrls` (trusting the recipient), a companion, and an agent host
 * per server that started the bridge (`clients`, in order; `client` is the first). `confirmed()`
 * counts the ledger's confirmed payments; `home` is the data directory.
 * BENCH_PROFILE=<directory>: the companion writes a CPU profile of the run there.
 */
export async function startAllowance(chain: LocalChain, serverUrls: string | string[], options: { config?: Record<string, unknown>; ruleAmount?: bigint } = {}) {
  const urls = typeof serverUrls === 'string' ? [serverUrls] : serverUrls
  const home = temporaryHome()
  process.env.ALLOWANCE_WALLET_PASSPHRASE ??= 'bench-passphrase' // used only where no keychain answers
  writeConfig(home.home, chain, options.config)
  await Wallet.importKey(home.home, keys.payer, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
  // Every call has its own arguments, so the loop breaker (same tool, same arguments) stays out of it.
  const amount = options.ruleAmount ?? 1_000_000n
  withLedger(home.home, (db) => urls.forEach((upstream) => Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient: accounts.recipient.address, unit: 'usd', amount, now: Date.now() })))
  const profile = process.env.BENCH_PROFILE
  await startDaemon(home.home, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])
  const clients = await Promise.all(urls.map(async (url) => (await hostWithBridge([url], home.home)).client))
  const ledger = Database.open(Home.paths(home.home).database)
  return {
    home: home.home,
    client: clients[0]!,
    clients,
    /** The payments the ledger holds confirmed: all of them, or those to `upstream`. */
    confirmed: (upstream?: string) => Payments.count(ledger, { states: ['confirmed'], ...(upstream !== undefined && { upstream }) }),
    async close() {
      await Promise.all(clients.map((client) => client.close()))
      ledger.close()
      await stopAll()
      home.remove()
    },
  }
}
