import { CompanionUnavailableError, status as companionStatus } from '../wire/Client.js'
import * as Payments from '../ledger/Payments.js'
import * as Period from '../ledger/Period.js'
import * as Settings from '../ledger/Settings.js'
import type { Status } from '../wire/Messages.js'
import * as Home from '../shared/Home.js'
import * as LedgerAccess from './LedgerAccess.js'
import * as Money from './Money.js'
import * as Options from './Options.js'
import * as Output from './Output.js'
import * as Usage from './Usage.js'

export const flags = { json: { type: 'boolean', default: false } } as const satisfies Options.Spec

export const usage = Usage.format({
  synopsis: ['allowance status [--json]'],
  about: `Whether the companion is up (it is asked, never started), where its UI is, whether it can
sign a payment now (its wallet unlocked), how many bridges are connected, how many payments wait
for you, whether payments are paused, and what was spent today.`,
  options: [['--json', 'the same as JSON, for scripts']],
  examples: ['allowance status', 'allowance status --json'],
})

/** How long a companion that accepted the connection may take to answer before it counts as down. */
const answerTimeoutMs = 3000

/** `allowance status`. Asks a running companion; never starts one. */
export async function run(argv: readonly string[]): Promise<number> {
  const parsed = Options.parse(argv, flags, usage)
  if (!parsed) return 0
  const { values, positionals } = parsed
  Options.noMore(positionals, 0)
  const companion = await ask(Home.paths(Home.resolve()).socket)
  const now = new Date()
  const today = Period.bounds('day', now)
  const { paused, spent } = LedgerAccess.use((db) => ({ paused: Settings.get(db).paused, spent: Payments.reservedByUnit(db, today) }))
  const spentToday = [...spent].map(([unit, amount]) => ({ unit, amount, formatted: Money.format(amount, unit) }))

  if (values.json) {
    const running = companion.running
      ? { running: true, pid: companion.status.pid, version: companion.status.version, startedAt: companion.status.startedAt }
      : { running: false, reason: companion.reason }
    const bridges = companion.running ? companion.status.bridges : 0
    const pendingApprovals = companion.running ? companion.status.pendingApprovals : 0
    const { wallet = null, ui = null } = companion.running ? companion.status : {}
    console.log(Output.json({ companion: running, ui, wallet, bridges, pendingApprovals, paused, today: { start: new Date(today.start).toISOString(), spent: spentToday } }))
    return 0
  }
  if (companion.running) {
    const { pid, version, startedAt, bridges, pendingApprovals, wallet, ui } = companion.status
    console.log(`Companion:          running (pid ${pid}, version ${version}, since ${Output.time(Date.parse(startedAt))})`)
    console.log(`UI:                 ${ui ?? 'the desktop app (its window, from the tray)'}`)
    console.log(`Wallet:             ${walletLine(wallet)}`)
    console.log(`Bridges connected:  ${bridges}`)
    console.log(`Waiting for you:    ${pendingApprovals} payment${pendingApprovals === 1 ? '' : 's'}`)
  } else console.log(`Companion:          not running (${companion.reason})`)
  console.log(`Payments:           ${paused ? 'PAUSED: every payment is declined (allowance resume)' : 'active'}`)
  console.log(`Spent today:        ${spentToday.map((entry) => entry.formatted).join(', ') || 'nothing'}`)
  return 0
}

/** Whether the running companion could sign a wallet payment now, and what to do if not. */
export function walletLine(wallet: Status['wallet']): string {
  if (!wallet) return 'none yet (allowance wallet create)'
  if (wallet.locked) return `locked: ${wallet.address} is in an encrypted file; unlock it in the UI (Wallet) or with \`allowance wallet unlock\``
  if (!wallet.canSign) return `cannot sign: ${wallet.problem ?? 'the key could not be read'}`
  return `${wallet.address}, can sign (key in ${wallet.store === 'keychain' ? 'the OS keychain' : 'an encrypted file, unlocked'})`
}

async function ask(socketPath: string): Promise<{ running: true; status: Status } | { running: false; reason: string }> {
  try {
    return { running: true, status: await companionStatus(socketPath, answerTimeoutMs) }
  } catch (error) {
    const reason = error instanceof CompanionUnavailableError ? 'a bridge starts it when an agent needs to pay' : (error as Error).message
    return { running: false, reason }
  }
}
