// The paying path for tempo sessions: anvil's Tempo mode with the session escrow deployed, the
// session-selling test server, a companion (`allowance daemon`) with the payer's key in the OS
// keychain trusting that escrow, an agent host (the SDK client) behind the built bridge, and the
// user's rule for the server's calls up to 0.01 each, paid to its known recipient.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import * as Channels from '../../main/ledger/Channels.js'
import type * as Database from '../../main/ledger/Database.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { accounts, keys, sellerEnv, startChain, startSessionServer, writeConfig, type LocalChain, type SessionServer } from '../helpers/chain.js'
import { startDaemon, withLedger, type Daemon } from '../helpers/companion.js'
import { settingUp, stop, stopAll, temporaryHome } from '../helpers/processes.js'
import { modernServer } from '../helpers/servers.js'

export type SessionRig = {
  chain: LocalChain
  server: SessionServer
  daemon: Daemon
  client: Client
  home: string
  ledger<T>(use: (db: Database.Database) => T): T
  /** Calls the metered tool. */
  call(n: number): Promise<unknown>
  /** What the tool answers when paid. */
  answered(n: number): { content: { type: string; text: string }[] }
  /** The first payment waiting for a human, as the UI lists it. */
  pending(): Promise<Record<string, any>>
  /** Every channel in the ledger, whatever its state, oldest first. */
  channels(): Channels.Channel[]
  /** SIGKILL, then a new companion on the same data directory. */
  killAndRestart(): Promise<void>
  stop(): Promise<void>
}

export async function startSessionRig(options: { suggestedDeposit: string; config?: Record<string, unknown>; cooperative?: boolean }): Promise<SessionRig> {
  const { chain, server, payer } = await settingUp(async () => {
    const chain = await startChain({ variant: 'tempo' })
    const server = await startSessionServer(chain, { price: '0.01', suggestedDeposit: options.suggestedDeposit, cooperative: options.cooperative })
    return { chain, server, payer: await startPayer(chain, server.url, options.config) }
  })
  const { home, ledger } = payer
  const rig: SessionRig = {
    chain,
    server,
    daemon: payer.daemon,
    client: payer.client,
    home: home.home,
    ledger,
    call: (n) => rig.client.callTool({ name: 'metered', arguments: { n } }),
    answered: (n) => ({ content: [{ type: 'text', text: `metered answer ${n}` }] }),
    async pending() {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
        const { body } = await rig.daemon.api('GET', '/api/approvals')
        if (body.length > 0) return body[0]
      }
      throw new Error('nobody was asked')
    },
    channels: () => ledger((db) => Channels.list(db, ['opening', 'open', 'closing', 'closed', 'abandoned'])),
    async killAndRestart() {
      await stop(rig.daemon.process, 'SIGKILL')
      rig.daemon = await startDaemon(home.home)
    },
    async stop() {
      if (process.env.DEBUG_SESSIONS) console.error(rig.daemon.stderr(), server.log())
      await rig.client.close()
      await stopAll()
      home.remove()
    },
  }
  return rig
}

/**
 * The paying side for `serverUrl` on `chain`: a data directory trusting the chain's escrow (with
 * `config` merged into settings.json), the payer's key, the user's rule for the server's calls up to
 * 0.01 each paid to its known recipient, a companion, and an agent host behind the built bridge.
 */
export async function startPayer(chain: LocalChain, serverUrl: string, config: Record<string, unknown> = {}) {
  const home = temporaryHome()
  writeConfig(home.home, chain, { escrows: { [chain.chainId]: chain.escrow }, ...config })
  await Wallet.importKey(home.home, keys.payer)
  const ledger = <T>(use: (db: Database.Database) => T) => withLedger(home.home, use)
  ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: serverUrl }, recipient: accounts.recipient.address, unit: 'usd', amount: 10_000n, now: Date.now() }))
  const daemon = await startDaemon(home.home)
  const { client } = await hostWithBridge([serverUrl], home.home)
  return { home, ledger, daemon, client }
}

/**
 * anvil's Tempo mode, the dual-era test server selling on it on the 2026-07-28 revision only
 * (`env` adds to what it sells with on the chain: ESCROW, SUBSCRIPTIONS, ...), and the paying side for it
 * (`startPayer`, with `config`). `stop` ends them all.
 */
export async function startModernPayer(secretKey: string, env: (chain: LocalChain) => Record<string, string>, config: Record<string, unknown> = {}) {
  return settingUp(async () => {
    const chain = await startChain({ variant: 'tempo' })
    const server = await modernServer('modern', { ...sellerEnv(chain, secretKey), ...env(chain) })
    const payer = await startPayer(chain, server.url, config)
    return {
      ...payer,
      chain,
      server,
      async stop() {
        await payer.client.close()
        await stopAll()
        payer.home.remove()
      },
    }
  })
}

/** Polls `read` until `done` says so (`timeoutMs`, 40 s by default, at most). */
export async function until<T>(read: () => Promise<T> | T, done: (value: T) => boolean, what: string, timeoutMs = 40_000): Promise<T> {
  for (const deadline = Date.now() + timeoutMs; ; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const value = await read()
    if (done(value)) return value
    if (Date.now() > deadline) throw new Error(`${what}: still ${JSON.stringify(value, (_key, item) => (typeof item === 'bigint' ? String(item) : item))}`)
  }
}
