// Reservation benchmark (issue 3): budget check-and-reserve decisions per second through a real
// companion, with 8 bridge-side client processes asking at once under an auto-approve rule and a
// daily budget that covers only some of the requests. Prints decisions per second beside the
// target in design.md, and the overspend, which must be zero.
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import * as Budgets from '../main/ledger/Budgets.js'
import * as Payments from '../main/ledger/Payments.js'
import * as Rules from '../main/ledger/Rules.js'
import * as Settings from '../main/ledger/Settings.js'
import * as Home from '../main/shared/Home.js'
import type { PaymentDecision } from '../main/wire/Messages.js'
import { evmCharge, recipient } from '../test/helpers/challenges.js'
import { companionClient, startDaemon, withLedger } from '../test/helpers/companion.js'
import { stopAll, temporaryHome } from '../test/helpers/processes.js'
import { fileWallet } from '../test/helpers/wallet.js'
import { table } from './stats.js'

const bridges = 8
const perBridge = Number(process.env.BENCH_REQUESTS ?? 2500)
/** Requests each bridge keeps outstanding, as a bridge relaying several tool calls at once does. */
const inFlight = Number(process.env.BENCH_IN_FLIGHT ?? 8)
const price = 10_000n // $0.01 in micro-USD
/** The budget pays for this many requests; every later one must be declined `budget_exceeded`. */
const affordable = 1_000n
const target = 5_000

const home = temporaryHome()
const upstream = 'https://tools.example.com/mcp'
/** Pays once before the clock starts, outside the budget: the companion unlocks its wallet on first use. */
const warmUpUpstream = 'https://warm-up.example.com/mcp'
await fileWallet(home.home) // approved payments are signed (evm charges sign without a node)
const budgetAmount = price * affordable
const budgetId = withLedger(home.home, (db) => {
  const now = Date.now()
  for (const scope of [{ upstream }, { upstream: warmUpUpstream }]) Rules.add(db, { kind: 'auto_approve', scope, recipient, unit: 'usd', amount: price, now })
  Settings.set(db, { loopBreaker: { count: 1000, seconds: 1 } })
  return Budgets.add(db, { period: 'day', scope: { upstream }, unit: 'usd', amount: budgetAmount, now }).id
})
// BENCH_PROFILE=<directory>: the companion writes a CPU profile of the run there (open it in Chrome's DevTools).
const profile = process.env.BENCH_PROFILE
const daemon = await startDaemon(home.home, profile ? ['--cpu-prof', `--cpu-prof-dir=${profile}`] : [])

// Unlocking the wallet (scrypt) costs as much CPU as a few hundred decisions, once per companion: not a per-decision cost.
const warmUp = companionClient(home.home)
const warmUpDecision = await warmUp.request<PaymentDecision>({ type: 'payment.request', request: { host: { name: 'bench' }, upstream: warmUpUpstream, operation: 'tools/call', target: 'warm-up', challenges: [evmCharge({ amount: price.toString() })], call: 'warm-up' } })
warmUp.close()
if (warmUpDecision.kind !== 'approved') throw new Error(`the warm-up payment was ${warmUpDecision.kind}: ${warmUpDecision.message}`)

type Summary = { approved: number[]; declined: Record<string, number>; first: number; last: number }
const socket = Home.paths(home.home).socket
const startAt = Date.now() + 1500 // every client connected and waiting by then
process.stderr.write(`reservations bench: ${bridges} bridges × ${perBridge} requests, ${inFlight} in flight each\n`)
// The companion's CPU time over the run: on a shared machine it varies far less than wall time.
let cpuAtStart: number | undefined
setTimeout(() => (cpuAtStart = cpuSeconds(daemon.process.pid!)), startAt - Date.now())
const runs = await Promise.all(
  Array.from(
    { length: bridges },
    () =>
      new Promise<Summary>((resolve, reject) => {
        const args = ['dist/fixtures/clients/payer.js', socket, String(perBridge), upstream, price.toString(), String(inFlight), 'evm', String(startAt)]
        const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'inherit'] })
        let out = ''
        child.stdout.on('data', (chunk) => (out += chunk))
        child.once('exit', (code) => (code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`payer exited ${code}`))))
      }),
  ),
)

const cpuAtEnd = cpuSeconds(daemon.process.pid!)
const companionCpu = cpuAtStart === undefined || cpuAtEnd === undefined ? undefined : cpuAtEnd - cpuAtStart
const companionAlive = daemon.process.exitCode === null
await stopAll()
const ledger = withLedger(home.home, (db) => {
  const rows = Payments.list(db, { upstream })
  const reserved = rows.filter((row) => Payments.reserving.includes(row.state)).reduce((sum, row) => sum + row.details!.budgetAmount, 0n)
  return { rows: rows.length, reserved, bucket: Budgets.usage(db, Budgets.get(db, budgetId)!, new Date()).used }
})
home.remove()

const requests = bridges * perBridge
const seconds = (Math.max(...runs.map((run) => run.last)) - Math.min(...runs.map((run) => run.first))) / 1000
const approved = runs.reduce((sum, run) => sum + run.approved.length, 0)
const declined: Record<string, number> = {}
for (const run of runs) for (const [reason, n] of Object.entries(run.declined)) declined[reason] = (declined[reason] ?? 0) + n
const overBudget = declined.budget_exceeded ?? 0
const others = Object.entries(declined).filter(([reason]) => reason !== 'budget_exceeded')
const overspend = ledger.reserved > budgetAmount ? ledger.reserved - budgetAmount : 0n
const rate = requests / seconds

console.log(`\nBudget reservations: ${bridges} client processes × ${perBridge} payment requests (${inFlight} in flight each), one companion, budget for ${affordable} of them`)
console.log(
  table(
    ['measure', 'allowance', 'target'],
    [
      ['decisions (check + reserve) per second', rate.toFixed(0), `≥ ${target.toLocaleString('en')}`],
      ['requests decided', `${requests} in ${seconds.toFixed(2)} s`, '—'],
      ['companion CPU per decision', companionCpu === undefined ? '—' : `${((companionCpu * 1e6) / requests).toFixed(0)} µs`, `≤ ${(1e6 / target).toFixed(0)} µs`],
      ['approved (and signed)', String(approved), String(affordable)],
      ['declined budget_exceeded', String(overBudget), String(requests - Number(affordable))],
      ['declined otherwise', others.map(([reason, n]) => `${reason} ${n}`).join(', ') || '0', '0'],
      ['overspend (ledger − budget, micro-USD)', overspend.toString(), '0'],
      ['ledger rows / budget bucket', `${ledger.rows} / ${ledger.bucket} = ${ledger.reserved} reserved`, `${requests} / ${budgetAmount}`],
    ],
  ),
)
console.log(`${rate.toFixed(0)} decisions/s (target ≥ ${target}); ratio ${(rate / target).toFixed(2)}; overspend ${overspend} (must be 0)`)
if (!companionAlive || overspend !== 0n || approved !== Number(affordable) || overBudget !== requests - Number(affordable) || ledger.rows !== requests) process.exitCode = 1

/** User + system CPU seconds of a process, from /proc (Linux only). */
function cpuSeconds(pid: number): number | undefined {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ')
    return (Number(fields[11]) + Number(fields[12])) / 100 // utime + stime, in clock ticks of 1/100 s
  } catch {
    return undefined
  }
}
