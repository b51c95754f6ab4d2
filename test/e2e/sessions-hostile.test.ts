// Sessions against a server that changes its terms mid-session: a channel on another escrow
// contract, another recipient, a call priced above the user's rule, and the channel left to expire.
// Nothing is signed without the matching approval, and what the user refuses changes nothing.
import { privateKeyToAccount } from 'viem/accounts'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startSessionRig, until, type SessionRig } from './sessionRig.js'

describe('a session server that changes its terms', () => {
  let rig: SessionRig
  beforeAll(async () => {
    // Channels expire 20 s after opening: the last test waits for the companion to close one.
    rig = await startSessionRig({ suggestedDeposit: '0.10', config: { sessions: { expirySeconds: 20 } } })
    const first = rig.call(1)
    await rig.daemon.api('POST', `/api/approvals/${(await rig.pending()).paymentId}/approve`, {})
    expect(await first).toMatchObject(rig.answered(1))
    await until(rig.channels, (list) => list[0]?.state === 'open', 'the channel opens')
  }, 120_000)
  afterAll(() => rig?.stop())

  /** Every row's id and state, and the channel as the ledger has it: what a refused request must leave unchanged. */
  const snapshot = () => ({ signed: rig.ledger((db) => Payments.list(db).filter((row) => row.evidence !== null).length), channels: rig.channels() })

  it('refuses a channel on an escrow contract it does not trust, signing nothing', async () => {
    const before = { ...snapshot(), opens: (await rig.server.stats()).opens }
    await rig.server.offer({ escrow: privateKeyToAccount(`0x${'42'.repeat(32)}`).address })
    const result = (await rig.call(2)) as { isError?: boolean; content: { text: string }[] }
    expect(result.isError).toBe(true)
    expect(result.content[0]!.text).toMatch(/escrow .* is not the one Allowance trusts on chain 1337/)
    expect({ ...snapshot(), opens: (await rig.server.stats()).opens }).toEqual(before)
    await rig.server.offer({ escrow: rig.chain.escrow! })
  }, 60_000)

  it('asks before paying a new recipient, whom the rule does not name; declined, nothing is signed', async () => {
    const before = snapshot()
    await rig.server.offer({ recipient: accounts.relayer.address })
    const refused = rig.call(3)
    const asked = await rig.pending()
    // A new recipient is a new channel: its deposit, on a card of its own.
    expect(asked.reasons).toContain('new_recipient')
    expect(asked.options[0]).toMatchObject({ recipient: accounts.relayer.address, escrow: expect.stringMatching(/^Locks up to 0.1 pathUSD in escrow/) })
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/decline`, {})).status).toBe(200)
    expect(((await refused) as { isError?: boolean }).isError).toBe(true)
    expect(snapshot()).toEqual(before)
    await rig.server.offer({ recipient: accounts.recipient.address })
  }, 60_000)

  it('asks for a call priced above the rule even inside the deposit; declined, the channel stays where it was', async () => {
    const before = snapshot()
    await rig.server.offer({ price: '0.02' })
    const refused = rig.call(4)
    const asked = await rig.pending()
    expect(asked.reasons).toEqual(['above_auto_approve'])
    expect(asked.options[0]).toMatchObject({ amount: '0.02 pathUSD', escrow: null })
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/decline`, {})).status).toBe(200)
    expect(((await refused) as { isError?: boolean }).isError).toBe(true)
    expect(snapshot()).toEqual(before)
    await rig.server.offer({ price: '0.01' })
  }, 60_000)

  it('closes the channel on expiry, and the unused deposit comes back', async () => {
    const escrowed = await rig.chain.balanceOf(pathUsd, rig.chain.escrow!)
    expect(escrowed).toBe(100_000n)
    const [closed] = await until(rig.channels, (list) => list[0]?.state === 'closed', 'the channel expires and closes', 40_000)
    expect(closed).toMatchObject({ settled: 10_000n, refund: 90_000n })
    expect(await rig.chain.balanceOf(pathUsd, rig.chain.escrow!)).toBe(0n)
  }, 60_000)
})
