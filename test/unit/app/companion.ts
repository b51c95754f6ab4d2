// A real companion core (ledger in a temporary ALLOWANCE_HOME, real queue and registry) for the
// app's tests, and payments put through it as a bridge's would be, short of signing.
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach } from 'vitest'
import type { Decision } from '../../../main/approvals/Decision.js'
import * as Engine from '../../../main/approvals/Engine.js'
import * as Outcome from '../../../main/approvals/Outcome.js'
import { Companion } from '../../../main/companion/Companion.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Log from '../../../main/shared/Log.js'
import * as challenges from '../payments/challenges.js'

const opened: { companion: Companion; home: string }[] = []
afterEach(() => {
  for (const { companion, home } of opened.splice(0)) {
    companion.close()
    rmSync(home, { recursive: true, force: true })
  }
})

export const upstream = 'https://tools.example.com/mcp'

/** A companion core on a fresh ledger, closed and removed after the test. */
export function openCompanion(): Companion {
  const home = mkdtempSync(join(tmpdir(), 'allowance-app-'))
  const companion = Companion.open(home, Log.create({ name: 'test', stderr: false }))
  opened.push({ companion, home })
  return companion
}

let call = 0

/** Decides a pathUSD payment of `amount` (atomic, 6 decimals) for the tool `target`, as the companion would for a bridge. */
export function decide(companion: Companion, options: { amount?: string; target?: string; now?: Date } = {}): Decision {
  const now = options.now ?? new Date()
  return Engine.decide(
    companion.db,
    { host: 'Cursor', upstream, operation: 'tools/call', target: options.target ?? 'search', arguments: { query: `q${++call}` }, challenges: [challenges.tempo(now, { amount: options.amount })] },
    { now, registry: companion.registry },
  )
}

/** A payment that waits for the human in the companion's queue; `decision` settles when it is answered. */
export function waiting(companion: Companion, options: { amount?: string; target?: string } = {}): { paymentId: number; decision: Promise<Decision> } {
  const ask = decide(companion, options)
  if (ask.kind !== 'ask') throw new Error(`expected the payment to wait for a human, got ${ask.kind}`)
  return { paymentId: ask.paymentId, decision: companion.queue.add(ask) }
}

/** The paid call went through and the chain shows it. */
export function settle(companion: Companion, paymentId: number, now = new Date()): void {
  Outcome.signed(companion.db, paymentId, { now: now.getTime() })
  Outcome.accepted(companion.db, paymentId, { reference: '0xabc', now: now.getTime() })
  const amount = Payments.get(companion.db, paymentId)!.details!.amountAtomic
  Outcome.confirm(companion.db, paymentId, { transaction: '0xabc', amount, toBudget: (atomic) => atomic, now: now.getTime() })
}
