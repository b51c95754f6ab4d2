// The paying side every end-to-end rig shares: anvil, a paid test server settling on it, a
// companion (`allowance daemon`) with the payer's key in the OS keychain, and an agent host (the
// SDK client) that launched the built bridge against the server.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type * as Database from '../../main/ledger/Database.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { hostWithBridge } from './bridge.js'
import { keys, startChain, writeConfig, type ChainVariant, type LocalChain } from './chain.js'
import { startDaemon, withLedger, type Daemon } from './companion.js'
import { settingUp, stopAll, temporaryHome } from './processes.js'

export type PayingRig<Server extends { url: string }> = {
  chain: LocalChain
  server: Server
  daemon: Daemon
  client: Client
  home: string
  /** Opens the companion's ledger to arrange or inspect it (rules and settings apply at the next decision). */
  ledger<T>(use: (db: Database.Database) => T): T
  /** Every payment row, oldest first. */
  rows(): Payments.Row[]
  /**
   * The row of a paid call once the bridge has reported its outcome (it does so after answering
   * the host) and the settlement checks have found what the chain shows: the first state not in
   * the rig's `inQuestion`.
   */
  outcome(paymentId: number): Promise<Payments.Row>
  stop(): Promise<void>
}

/**
 * Starts the paying side against the server `startServer` starts on the chain. `config` is merged
 * over the settings.json that teaches the registry the chain's TestUSDC and points its RPC at anvil;
 * `outcome` waits (up to `outcomeMs`) while a row's state is one of `inQuestion`.
 */
export async function startPayingRig<Server extends { url: string }>(options: {
  variant?: ChainVariant | undefined
  startServer(chain: LocalChain): Promise<Server>
  config?: Record<string, unknown> | undefined
  inQuestion: readonly Payments.State[]
  outcomeMs: number
}): Promise<PayingRig<Server>> {
  const home = temporaryHome()
  return settingUp(async () => {
    const chain = await startChain({ variant: options.variant })
    const server = await options.startServer(chain)
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
        for (const deadline = Date.now() + options.outcomeMs; ; await new Promise((resolve) => setTimeout(resolve, 20))) {
          const row = ledger((db) => Payments.get(db, paymentId))
          if (row && !options.inQuestion.includes(row.state)) return row
          if (Date.now() > deadline) throw new Error(`payment ${paymentId} is still ${row?.state ?? 'missing'}`)
        }
      },
      async stop() {
        await client.close()
        await stopAll() // the bridge, the daemon, the server and anvil
        home.remove()
      },
    }
  }, home.remove)
}
