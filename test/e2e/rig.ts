// The paying path for one end-to-end file: anvil, the real mppx paid server settling on it, a
// companion (`allowance daemon`) with the payer's key in the OS keychain, and an agent host (the
// SDK client) that launched the built bridge against the server.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type * as Database from '../../main/ledger/Database.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import type * as Scope from '../../main/ledger/Scope.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { accounts, keys, startChain, startPaidServer, writeConfig, type ChainVariant, type LocalChain, type PaidServer } from '../helpers/chain.js'
import { startDaemon, withLedger, type Daemon } from '../helpers/companion.js'
import { stopAll, temporaryHome } from '../helpers/processes.js'

export type Rig = {
  chain: LocalChain
  server: PaidServer
  daemon: Daemon
  client: Client
  home: string
  /** Opens the companion's ledger to arrange or inspect it (rules and settings apply at the next decision). */
  ledger<T>(use: (db: Database.Database) => T): T
  /** Every payment row, oldest first. */
  rows(): Payments.Row[]
  /**
   * The row of a paid call once the bridge has reported its outcome (it does so after answering
   * the host) and the settlement checks have found what the chain shows: confirmed, failed or
   * unconfirmed (a refused credential that stays usable stays `sent`: read it with `rows`).
   */
  outcome(paymentId: number): Promise<Payments.Row>
  /** A tool's challenge exactly as the server issues it, read by a plain client beside the bridge. */
  challenge(tool: string): Promise<Record<string, any>>
  /** The first payment waiting for a human, as the companion's UI lists it. */
  pending(): Promise<{ paymentId: number; reasons: string[] }>
  stop(): Promise<void>
}

/**
 * Starts the rig. `config` is merged over the default settings.json, which teaches the registry
 * the chain's TestUSDC and points the chain's RPC at anvil.
 */
export async function startRig(options: { variant?: ChainVariant; server?: startPaidServer.Options; config?: Record<string, unknown> } = {}): Promise<Rig> {
  const home = temporaryHome()
  try {
    const chain = await startChain({ variant: options.variant })
    const server = await startPaidServer(chain, options.server)
    writeConfig(home.home, chain, options.config)
    await Wallet.importKey(home.home, keys.payer)
    const daemon = await startDaemon(home.home)
    const { client } = await hostWithBridge([server.url], home.home)
    const ledger = <T>(use: (db: Database.Database) => T) => withLedger(home.home, use)
    return {
      chain,
      server,
      daemon,
      client,
      home: home.home,
      ledger,
      rows: () => ledger((db) => Payments.list(db).sort((a, b) => a.id - b.id)),
      async outcome(paymentId) {
        const inQuestion: Payments.State[] = ['signed', 'sent', 'accepted']
        for (const deadline = Date.now() + 15_000; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
          const row = ledger((db) => Payments.get(db, paymentId))
          if (row && !inQuestion.includes(row.state)) return row
          if (Date.now() > deadline) throw new Error(`payment ${paymentId} is still ${row?.state ?? 'missing'}`)
        }
      },
      async challenge(tool) {
        const direct = new Client({ name: 'probe', version: '1' })
        await direct.connect(new StreamableHTTPClientTransport(new URL(server.url)))
        try {
          const error = await direct.callTool({ name: tool, arguments: {} }).catch((caught: { data: { challenges: Record<string, any>[] } }) => caught)
          return (error as { data: { challenges: Record<string, any>[] } }).data.challenges[0]!
        } finally {
          await direct.close()
        }
      },
      async pending() {
        for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
          const { body } = await daemon.api('GET', '/api/approvals')
          if (body.length > 0) return body[0]
        }
        throw new Error('nobody was asked')
      },
      async stop() {
        await client.close()
        await stopAll() // the bridge, the daemon, the server and anvil
        home.remove()
      },
    }
  } catch (error) {
    await stopAll()
    home.remove()
    throw error
  }
}

/**
 * Who the paid test server asks to be paid: anvil's account #1 on chain, and its Stripe profile
 * (the stand-in's network id) by card.
 */
export const payees = [accounts.recipient.address, 'internal'] as const

/**
 * Auto-approve rules up to `amount` per call over `scope` (the rig's server by default) that trust
 * the server's payees, as a user who knows this server would make them: without a rule naming a
 * recipient, its first payment asks the human.
 */
export function autoApprove(rig: Pick<Rig, 'ledger' | 'server'>, amount: bigint, scope: Scope.Scope = { upstream: rig.server.url }): Rules.Rule[] {
  return rig.ledger((db) => payees.map((recipient) => Rules.add(db, { kind: 'auto_approve', scope, recipient, unit: 'usd', amount, now: Date.now() })))
}
