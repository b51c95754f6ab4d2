// The paying path for one end-to-end file: anvil, the real mppx paid server settling on it, a
// companion (`allowance daemon`) with the payer's key in the OS keychain, and an agent host (the
// SDK client) that launched the built bridge against the server.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import * as Rules from '../../main/ledger/Rules.js'
import type * as Scope from '../../main/ledger/Scope.js'
import { accounts, startPaidServer, type ChainVariant, type PaidServer } from '../helpers/chain.js'
import { startPayingRig, type PayingRig } from '../helpers/payingRig.js'

export type Rig = PayingRig<PaidServer> & {
  /** A tool's challenge exactly as the server issues it, read by a plain client beside the bridge. */
  challenge(tool: string): Promise<Record<string, any>>
  /** The first payment waiting for a human, as the companion's UI lists it. */
  pending(): Promise<{ paymentId: number; reasons: string[] }>
}

/**
 * Starts the rig against the repository's paid server. `config` is merged over the default
 * settings.json, which teaches the registry the chain's TestUSDC and points the chain's RPC at anvil.
 * A refused credential that stays usable stays `sent`: `outcome` returns it, `rows` shows it.
 */
export async function startRig(options: { variant?: ChainVariant; server?: startPaidServer.Options; config?: Record<string, unknown> } = {}): Promise<Rig> {
  const rig = await startPayingRig({
    variant: options.variant,
    startServer: (chain) => startPaidServer(chain, options.server),
    config: options.config,
    inQuestion: ['signed', 'sent', 'accepted'],
    outcomeMs: 15_000,
  })
  return {
    ...rig,
    async challenge(tool) {
      const direct = new Client({ name: 'probe', version: '1' })
      await direct.connect(new StreamableHTTPClientTransport(new URL(rig.server.url)))
      try {
        const error = await direct.callTool({ name: tool, arguments: {} }).catch((caught: { data: { challenges: Record<string, any>[] } }) => caught)
        return (error as { data: { challenges: Record<string, any>[] } }).data.challenges[0]!
      } finally {
        await direct.close()
      }
    },
    async pending() {
      for (const deadline = Date.now() + 10_000; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 20))) {
        const { body } = await rig.daemon.api('GET', '/api/approvals')
        if (body.length > 0) return body[0]
      }
      throw new Error('nobody was asked')
    },
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
