// A tempo session with a server on the MCP 2026-07-28 revision only: the SDK v2 test server in
// modern mode sells `paid_metered` inside a session (its challenges travel in a result's `_meta`),
// on anvil's Tempo mode with the session escrow deployed. The deposit is approved by the human, the
// next calls pay by voucher under a rule, and a close brings the rest back, as on the 2025 era.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Channels from '../../main/ledger/Channels.js'
import * as Payments from '../../main/ledger/Payments.js'
import { keys, pathUsd } from '../helpers/chain.js'
import { modernStats } from '../helpers/servers.js'
import { startModernPayer, until } from './sessionRig.js'

let rig: Awaited<ReturnType<typeof startModernPayer>>

beforeAll(async () => {
  rig = await startModernPayer('modern-sessions-test-secret-key-of-at-least-32-bytes', (chain) => ({
    ESCROW: chain.escrow!,
    RECIPIENT_KEY: keys.recipient,
    SUGGESTED_DEPOSIT: '0.10',
  }))
}, 120_000)

afterAll(() => rig?.stop())

const call = () => rig.client.callTool({ name: 'paid_metered', arguments: {} }) as Promise<CallToolResult>
const channels = () => rig.ledger((db) => Channels.list(db, ['opening', 'open', 'closing', 'closed']))

it('opens by approval, pays by voucher under the rule, and closes with the refund, all on the 2026-07-28 revision', async () => {
  const first = call()
  let asked: { paymentId: number; options: { escrow: string }[] } | undefined
  await until(async () => (asked = (await rig.daemon.api('GET', '/api/approvals')).body[0]), (value) => value !== undefined, 'the deposit is asked for')
  expect(asked!.options[0]!.escrow).toBe('Locks up to 0.1 pathUSD in escrow for this server; unused funds come back when the session closes.')
  expect((await rig.daemon.api('POST', `/api/approvals/${asked!.paymentId}/approve`, {})).status).toBe(200)
  expect((await first).content).toEqual([{ type: 'text', text: 'Metered answer' }])
  for (let n = 0; n < 3; n++) expect((await call()).content).toEqual([{ type: 'text', text: 'Metered answer' }])
  const [open] = await until(channels, (list) => list[0]?.state === 'open', 'the channel opens')
  expect(open).toMatchObject({ deposit: 100_000n, cumulative: 40_000n })

  expect((await rig.daemon.api('POST', `/api/wallet/channels/${open!.id}/close`)).status).toBe(200)
  const [closed] = await until(channels, (list) => list[0]?.state === 'closed', 'the channel closes')
  expect(closed).toMatchObject({ settled: 40_000n, refund: 60_000n })
  expect(await rig.chain.balanceOf(pathUsd, rig.chain.escrow!)).toBe(0n)
  const calls = rig.ledger((db) => Payments.list(db).filter((row) => row.evidence?.action === 'voucher'))
  expect(calls.map((row) => row.state)).toEqual(['confirmed', 'confirmed', 'confirmed', 'confirmed'])

  // Every request the bridge sent the server was on the modern revision.
  const stats = await modernStats(rig.server)
  expect(stats.requests.legacy).toEqual({})
  expect(stats.credentials.paid_metered).toBe(4)
}, 90_000)
