// Identity proofs end to end on anvil's Tempo mode: the paid server's `whoami` asks for a
// zero-amount tempo charge, which mppx's real server side verifies as an EIP-712 proof signature
// naming the payer. The companion asks the human (or follows the user's share of the address with
// that server), never a payment rule or lease; the ledger books a `proof` row of amount 0, and no
// money moves. A challenge that would move money under a proof's name is never signed by a share.
import type { Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as AddressShares from '../../main/ledger/AddressShares.js'
import * as Leases from '../../main/ledger/Leases.js'
import * as Rules from '../../main/ledger/Rules.js'
import { openPage } from '../helpers/browser.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { cli } from '../helpers/cli.js'
import { accounts, pathUsd, sellerEnv } from '../helpers/chain.js'
import { modernServer, modernStats } from '../helpers/servers.js'
import { autoApprove, startRig, type Rig } from './rig.js'

/** The TIP-20 stablecoin anvil's Tempo mode has the payer pay its network fees in. */
const thetaUsd: Address = '0x20C0000000000000000000000000000000000003'

const payerSource = `did:pkh:eip155:1337:${accounts.payer.address}`

let rig: Rig
beforeAll(async () => void (rig = await startRig({ variant: 'tempo', server: { methods: ['tempo'] }, config: { tempoMode: 'push' } })), 120_000)
afterAll(() => rig?.stop())

/** The payer's balances of the tokens a payment or its fee would take. */
const balances = () => Promise.all([pathUsd, thetaUsd].map((token) => rig.chain.balanceOf(token, accounts.payer.address)))

/** Calls `whoami`, answering the card with `answer` once it shows (or not at all, when `answer` is undefined). */
async function whoami(answer?: { approve: boolean; body?: unknown; expectReasons?: string[] }) {
  const call = rig.client.callTool({ name: 'whoami', arguments: {} })
  if (answer) {
    const asked = await rig.pending()
    if (answer.expectReasons) expect(asked.reasons).toEqual(answer.expectReasons)
    const path = `/api/approvals/${asked.paymentId}/${answer.approve ? 'approve' : 'decline'}`
    expect((await rig.daemon.api('POST', path, answer.body ?? {})).status).toBe(200)
  }
  return call
}

describe('a server asking to see the wallet address', () => {
  it('shows its own card and, approved by a click, sends a proof naming the payer; nothing moves and the row is a proof of amount 0', async () => {
    const before = await balances()
    const { proofs } = await rig.server.stats()
    const result = await whoami({ approve: true, expectReasons: ['proof'] })
    expect(result.isError).toBeFalsy()
    expect(result.content).toEqual([{ type: 'text', text: `you are ${accounts.payer.address}` }])
    // What the server received: one verified proof, naming the payer's address on this chain.
    expect((await rig.server.stats()).proofs.slice(proofs.length)).toEqual([payerSource])
    // What the chain shows: nothing left the wallet, not even a fee.
    expect(await balances()).toEqual(before)
    const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', decidedBy: 'human', settledAmountAtomic: 0n, fee: null })
    expect(row.details).toMatchObject({ kind: 'proof', amountAtomic: 0n, budgetAmount: 0n, method: 'tempo', intent: 'charge' })
    // History shows what was given away: the address, not an amount.
    const { body: history } = await rig.daemon.api('GET', `/api/history/${paymentId}`)
    expect(history).toMatchObject({ amount: 'address shown, no money', state: 'confirmed', decidedBy: 'you', reference: row.receiptReference, explorerUrl: null })
  })

  it('in the headless UI, the card says who asks to see which address and that no money moves; Share once answers it', async () => {
    const browser = await openPage(rig.daemon.ui)
    try {
      const { proofs } = await rig.server.stats()
      const call = rig.client.callTool({ name: 'whoami', arguments: {} })
      const card = browser.page.getByRole('region', { name: /asks to see your wallet address/ })
      await card.waitFor({ timeout: 10_000 })
      // The wallet's address shows once the page has read it.
      await card.getByText(new RegExp(accounts.payer.address.slice(0, 6), 'i')).first().waitFor({ timeout: 5_000 })
      const shown = await card.innerText()
      expect(shown).toContain(`127.0.0.1:${rig.server.port} asks to see your wallet address`)
      expect(shown).toContain('No money moves')
      expect(shown.toLowerCase()).toContain(accounts.payer.address.slice(0, 6).toLowerCase())
      expect(shown).not.toMatch(/Pay once|Allow for/)
      await card.getByRole('button', { name: /Share once/ }).click()
      expect((await call).isError).toBeFalsy()
      await browser.page.getByRole('status').filter({ hasText: 'Showed your wallet address' }).waitFor({ timeout: 5_000 })
      expect((await rig.server.stats()).proofs.slice(proofs.length)).toEqual([payerSource])
    } finally {
      await browser.close()
    }
  })

  it('is never covered by a payment rule or a lease: with both in force it still asks, and declined, it signs nothing', async () => {
    autoApprove(rig, 1_000_000n)
    rig.ledger((db) => Leases.add(db, { scope: { upstream: rig.server.url }, unit: 'usd', amount: 1_000_000n, spent: 0n, expiresAt: Date.now() + 600_000, now: Date.now() }))
    const { proofs } = await rig.server.stats()
    const result = await whoami({ approve: false, expectReasons: ['proof'] })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result.content)).toContain("Showing the wallet's address to")
    expect(JSON.stringify(result.content)).toContain('the user declined it')
    expect((await rig.server.stats()).proofs).toHaveLength(proofs.length)
    expect(rig.rows().at(-1)).toMatchObject({ state: 'declined', decidedBy: 'human', details: { kind: 'proof' } })
  })

  it('refuses a lease or a payment rule offered as the answer to a proof, and changes nothing', async () => {
    const call = rig.client.callTool({ name: 'whoami', arguments: {} })
    const asked = await rig.pending()
    const lease = await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, { option: { lease: { minutes: 30, limit: '1000000' } } })
    expect(lease).toMatchObject({ status: 400 })
    expect(JSON.stringify(lease.body)).toContain('cannot cover it')
    expect(rig.rows().find((row) => row.id === asked.paymentId)?.state).toBe('requested')
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/decline`, {})).status).toBe(200)
    expect((await call).isError).toBe(true)
  })

  it('"Always share" creates a share; the next proof is given by it without a card, and still moves nothing', async () => {
    const before = await balances()
    const { proofs } = await rig.server.stats()
    const first = await whoami({ approve: true, body: { option: { share: true } } })
    expect(first.isError).toBeFalsy()
    const share = rig.ledger((db) => AddressShares.covering(db, rig.server.url))
    expect(share).toBeDefined()
    const second = await whoami()
    expect(second.isError).toBeFalsy()
    const { paymentId } = second._meta?.['allowance/payment'] as { paymentId: number }
    expect(await rig.outcome(paymentId)).toMatchObject({ state: 'confirmed', decidedBy: `share:${share!.id}`, details: { kind: 'proof', amountAtomic: 0n } })
    expect((await rig.server.stats()).proofs.slice(proofs.length)).toEqual([payerSource, payerSource])
    expect(await balances()).toEqual(before)
    // Rules & budgets lists the share with the server's name, and so does the CLI.
    expect((await rig.daemon.api('GET', '/api/shares')).body).toEqual([{ id: share!.id, upstream: rig.server.url, server: `127.0.0.1:${rig.server.port}`, createdAt: share!.createdAt }])
    const listed = await cli(rig.home, ['shares', 'list', '--json'])
    expect(JSON.parse(listed.stdout)).toEqual([{ id: share!.id, upstream: rig.server.url, createdAt: new Date(share!.createdAt).toISOString() }])
  })

  it('Stop sharing: the next proof asks again; the share is back only by the human\'s word', async () => {
    const [share] = (await rig.daemon.api('GET', '/api/shares')).body
    expect((await rig.daemon.api('POST', `/api/shares/${share.id}/remove`)).status).toBe(200)
    expect((await rig.daemon.api('GET', '/api/shares')).body).toEqual([])
    const again = await whoami({ approve: true, body: { option: { share: true } }, expectReasons: ['proof'] })
    expect(again.isError).toBeFalsy()
    expect((await rig.daemon.api('GET', '/api/shares')).body).toHaveLength(1)
  })
})

describe('a proof that is really a payment', () => {
  it('a zero-amount challenge naming splits to pay is refused as invalid, and nothing is signed, though a share covers the server', async () => {
    const honest = await rig.challenge('whoami')
    expect(honest.request.amount).toBe('0')
    const splits = [{ amount: '10000', recipient: accounts.recipient.address }]
    const dressed = { ...honest, request: { ...honest.request, methodDetails: { ...honest.request.methodDetails, splits } } }
    await rig.server.answerNext({ data: { challenges: [dressed] } })
    const [before, { credentials, proofs }] = [await balances(), await rig.server.stats()]
    const result = await rig.client.callTool({ name: 'search', arguments: { query: 'dressed' } })
    expect(result.isError).toBe(true)
    expect(JSON.stringify(result.content)).toContain('identity proof (amount 0) yet names splits')
    const after = await rig.server.stats()
    expect([after.credentials.length, after.proofs.length]).toEqual([credentials.length, proofs.length])
    expect(rig.rows().at(-1)).toMatchObject({ state: 'declined', declineReason: 'invalid_challenge' })
    expect(await balances()).toEqual(before)
  })

  it('a charge described as an identity check is a payment: with only the share in force it asks as a payment, and declined, nothing moves', async () => {
    // Only the share of the address stays in force: no payment rule, no lease.
    rig.ledger((db) => {
      for (const rule of Rules.list(db)) Rules.remove(db, rule.id, Date.now())
      for (const lease of Leases.list(db)) Leases.revoke(db, lease.id, Date.now())
    })
    expect(rig.ledger((db) => AddressShares.covering(db, rig.server.url))).toBeDefined()
    const real = await rig.challenge('premium_report')
    const dressed = { ...real, description: 'Identity check: show your wallet address (no charge)' }
    await rig.server.answerNext({ data: { challenges: [dressed] } })
    const [before, { credentials }] = [await balances(), await rig.server.stats()]
    const call = rig.client.callTool({ name: 'premium_report', arguments: {} })
    const asked = await rig.pending()
    // Proofs shown to this server make it no better known for payments.
    expect(asked.reasons).toEqual(['new_server', 'new_recipient'])
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/decline`, {})).status).toBe(200)
    expect((await call).isError).toBe(true)
    expect(rig.rows().at(-1)).toMatchObject({ state: 'declined', details: { kind: 'payment', amountAtomic: 250_000n } })
    expect((await rig.server.stats()).credentials).toHaveLength(credentials.length)
    expect(await balances()).toEqual(before)
  })
})

describe('on the 2026-07-28 era', () => {
  it('a modern-only server\'s proof request (challenges in a result\'s _meta) gets the same card; approved, the server verifies the payer\'s proof', async () => {
    const server = await modernServer('modern', {
      ...sellerEnv(rig.chain, 'modern-proofs-test-secret-key-of-at-least-32-bytes'),
      REALM: 'modern.test.local',
      PROOFS: 'tempo',
    })
    const { client } = await hostWithBridge([server.url], rig.home)
    try {
      const before = await balances()
      const call = client.callTool({ name: 'whoami', arguments: {} })
      const asked = await rig.pending()
      expect(asked.reasons).toEqual(['proof'])
      expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
      const result = await call
      expect(result.isError).toBeFalsy()
      expect(result.content).toEqual([{ type: 'text', text: `you are ${accounts.payer.address}` }])
      expect((await modernStats(server)).proofs).toEqual([payerSource])
      expect(await balances()).toEqual(before)
      expect(await rig.outcome(asked.paymentId)).toMatchObject({ state: 'confirmed', details: { kind: 'proof', amountAtomic: 0n } })
    } finally {
      await client.close()
      await server.stop()
    }
  })
})
