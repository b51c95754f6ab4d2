// A tempo session with a server on the MCP 2026-07-28 revision only: the SDK v2 test server in
// modern mode sells `paid_metered` inside a session (its challenges travel in a result's `_meta`),
// on anvil's Tempo mode with the session escrow deployed. The deposit is approved by the human, the
// next calls pay by voucher under a rule, and a close brings the rest back, as on the 2025 era.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Channels from '../../main/ledger/Channels.js'
import * as Payments from '../../main/ledger/Payments.js'
import { accounts, keys, pathUsd, startChain, type LocalChain } from '../helpers/chain.js'
import type { Daemon } from '../helpers/companion.js'
import { stopAll } from '../helpers/processes.js'
import { modernServer, modernStats, type RunningServer } from '../helpers/servers.js'
import { startPayer, until } from './sessionRig.js'

let chain: LocalChain
let server: RunningServer
let payer: Awaited<ReturnType<typeof startPayer>>
let daemon: Daemon
let client: Client

beforeAll(async () => {
  chain = await startChain({ variant: 'tempo' })
  server = await modernServer('modern', {
    RPC_URL: chain.rpcUrl,
    CHAIN_ID: String(chain.chainId),
    TOKEN: chain.token,
    RECIPIENT: accounts.recipient.address,
    RELAYER_KEY: keys.relayer,
    MPP_SECRET_KEY: 'modern-sessions-test-secret-key-of-at-least-32-bytes',
    ESCROW: chain.escrow!,
    RECIPIENT_KEY: keys.recipient,
    SUGGESTED_DEPOSIT: '0.10',
  })
  payer = await startPayer(chain, server.url)
  ;({ daemon, client } = payer)
}, 120_000)

afterAll(async () => {
  await client?.close()
  await stopAll()
  payer?.home.remove()
})

const call = () => client.callTool({ name: 'paid_metered', arguments: {} }) as Promise<CallToolResult>
const channels = () => payer.ledger((db) => Channels.list(db, ['opening', 'open', 'closing', 'closed']))

it('opens by approval, pays by voucher under the rule, and closes with the refund, all on the 2026-07-28 revision', async () => {
  const first = call()
  let asked: { paymentId: number; options: { escrow: string }[] } | undefined
  await until(async () => (asked = (await daemon.api('GET', '/api/approvals')).body[0]), (value) => value !== undefined, 'the deposit is asked for')
  expect(asked!.options[0]!.escrow).toBe('Locks up to 0.1 pathUSD in escrow for this server; unused funds come back when the session closes.')
  expect((await daemon.api('POST', `/api/approvals/${asked!.paymentId}/approve`, {})).status).toBe(200)
  expect((await first).content).toEqual([{ type: 'text', text: 'Metered answer' }])
  for (let n = 0; n < 3; n++) expect((await call()).content).toEqual([{ type: 'text', text: 'Metered answer' }])
  const [open] = await until(channels, (list) => list[0]?.state === 'open', 'the channel opens')
  expect(open).toMatchObject({ deposit: 100_000n, cumulative: 40_000n })

  expect((await daemon.api('POST', `/api/wallet/channels/${open!.id}/close`)).status).toBe(200)
  const [closed] = await until(channels, (list) => list[0]?.state === 'closed', 'the channel closes')
  expect(closed).toMatchObject({ settled: 40_000n, refund: 60_000n })
  expect(await chain.balanceOf(pathUsd, chain.escrow!)).toBe(0n)
  const calls = payer.ledger((db) => Payments.list(db).filter((row) => row.evidence?.action === 'voucher'))
  expect(calls.map((row) => row.state)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed'])

  // Every request the bridge sent the server was on the modern revision.
  const stats = await modernStats(server)
  expect(stats.requests.legacy).toEqual({})
  expect(stats.credentials.paid_metered).toBe(4)
}, 90_000)
