// One decision, one payment, end to end: a paid server that answers the credential with a fresh
// challenge (a -32042 or a -32043, again and again, for the same recipient, a new one, or more
// money), under every kind of approval — a human's Pay once, an auto-approve rule for everything,
// for the server, for the tool, and a lease. Whatever approved the first payment, the second one is
// never made: the server receives exactly one credential per call, nothing moves on chain, and the
// agent reads why. Then receipts the chain contradicts, eight bridges at once, and a local process
// that lies about outcomes.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { CompanionClient, CompanionError } from '../../main/wire/Client.js'
import * as Leases from '../../main/ledger/Leases.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Settings from '../../main/ledger/Settings.js'
import * as Home from '../../main/shared/Home.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { accounts } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig

beforeAll(async () => {
  // Checks of what the chain shows give up after 5 s here (2 minutes by default).
  rig = await startRig({ config: { settlement: { timeoutSeconds: 5, maxIntervalSeconds: 0.5 } } })
  rig.ledger((db) => Settings.set(db, { approvalTimeoutMs: 5_000 }))
}, 120_000)

afterAll(() => rig?.stop())

const transfers = () => rig.chain.transfersFrom(rig.chain.token, accounts.payer.address)
const credentials = async () => (await rig.server.stats()).credentials
const search = (query: string, client = rig.client) => client.callTool({ name: 'search', arguments: { query } }) as Promise<CallToolResult>
const refusedAgain = (price = '0.01') =>
  `Payment of ${price} USDC to 127.0.0.1:${rig.server.port} for \`search\` was declined: the server refused a payment it had already been sent; Allowance did not pay again.`

/**
 * The server's next `count` credentials get a fresh challenge for `search`, changed by `change`
 * (the server would go on asking; a bridge that does not pay twice sends it one credential a call).
 */
async function rechallenge(code: -32042 | -32043, change: (challenge: Record<string, any>) => void, count = 1): Promise<void> {
  const fresh = await rig.challenge('search')
  fresh.id = randomBytes(32).toString('base64url')
  change(fresh)
  await rig.server.answerNext({ code, message: code === -32042 ? 'Payment required' : 'Payment verification failed', data: { httpStatus: 402, challenges: [fresh] }, credential: true, count })
}

type Approval = { name: string; arrange(): () => void; decidedBy(): RegExp; byHuman?: boolean }

const approvals: Approval[] = [
  {
    name: "a human's Pay once (with a rule for other calls that would cover the second payment)",
    byHuman: true,
    arrange() {
      const rule = rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1n, now: Date.now() }))
      return () => rig.ledger((db) => Rules.remove(db, rule.id, Date.now()))
    },
    decidedBy: () => /^human$/,
  },
  ...(['everything', 'server', 'tool'] as const).map((over): Approval => {
    let id = 0
    return {
      name: `a rule for the ${over}`,
      arrange() {
        const scope = over === 'everything' ? {} : over === 'server' ? { upstream: rig.server.url } : { upstream: rig.server.url, operation: 'tools/call' as const, target: 'search' }
        id = rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000_000n, now: Date.now() })).id
        return () => rig.ledger((db) => Rules.remove(db, id, Date.now()))
      },
      decidedBy: () => new RegExp(`^rule:${id}$`),
    }
  }),
  (() => {
    let id = 0
    return {
      name: 'a lease on the server',
      arrange() {
        const now = Date.now()
        id = rig.ledger((db) => Leases.add(db, { scope: { upstream: rig.server.url }, unit: 'usd', amount: 1_000_000_000n, expiresAt: now + 600_000, now })).id
        return () => rig.ledger((db) => Leases.revoke(db, id, Date.now()))
      },
      decidedBy: () => new RegExp(`^lease:${id}$`),
    }
  })(),
]

const variants: [string, -32042 | -32043, (challenge: Record<string, any>) => void, string][] = [
  ['the same payment again (-32042)', -32042, () => {}, '0.01'],
  ['a new recipient (-32043)', -32043, (challenge) => (challenge.request.recipient = accounts.relayer.address), '0.01'],
  ['more money (-32043)', -32043, (challenge) => (challenge.request.amount = '20000'), '0.02'],
]

describe.each(approvals)('approved by $name', (approval) => {
  // The human's case runs first: after it, the server and its recipient are ones the user has paid.
  let undo: () => void
  beforeAll(() => void (undo = approval.arrange()))
  afterAll(() => undo())

  it.each(variants)('a server answering the credential with %s, again and again: one credential, nothing moved, not paid twice', async (_, code, change, price) => {
    await rechallenge(code, change)
    const [rows, sent, moved] = [rig.rows().length, (await credentials()).length, (await transfers()).length]
    const call = search(`${approval.name} ${code}`)
    if (approval.byHuman) {
      const asked = await rig.pending()
      expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    }
    const result = await call
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: refusedAgain(price) }])

    // What the server received: one credential, for the recipient that was approved.
    expect((await credentials()).slice(sent)).toEqual([{ target: 'search', recipient: accounts.recipient.address }])
    // What the chain shows: nothing moved.
    expect(await transfers()).toHaveLength(moved)
    // What the ledger says: the first payment was sent and is watched; the second was never made.
    const [first, second, ...more] = rig.rows().slice(rows)
    expect(more).toEqual([])
    expect(first).toMatchObject({ state: 'sent', round: 1, decidedBy: expect.stringMatching(approval.decidedBy()) })
    expect(second).toMatchObject({ state: 'declined', declineReason: 'rechallenge', round: 2, previousPaymentId: first!.id, decidedBy: 'policy' })
    expect(result._meta?.['allowance/payment']).toEqual({ status: 'declined', paymentId: second!.id, reason: 'rechallenge' })
  })
})

describe('receipts the chain contradicts', () => {
  let rule: Rules.Rule
  beforeAll(() => {
    rule = rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000n, now: Date.now() }))
  })
  afterAll(() => rig.ledger((db) => Rules.remove(db, rule.id, Date.now())))

  it('a success receipt for a payment the server never submitted: accepted, then unconfirmed, never confirmed; nothing moved', async () => {
    const moved = (await transfers()).length
    await rig.server.arm('fake-receipt')
    const result = await search('a receipt for nothing')
    // The agent gets its result: the server said it was paid.
    expect(result.isError).toBeFalsy()
    const { paymentId, status, reference } = result._meta?.['allowance/payment'] as { paymentId: number; status: string; reference: string }
    expect(status).toBe('accepted')
    expect(reference).toMatch(/^0x[0-9a-f]{64}$/)
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'unconfirmed', receiptReference: reference, transactionReference: null, confirmedAt: null })
    expect(row.error).toMatch(/has not been used on chain; it stays usable until/)
    expect(await transfers()).toHaveLength(moved)
    // An unconfirmed payment counts as spent until the user looks: its reservation is kept.
    expect(Payments.reserving).toContain(row.state)
  })

  it('a receipt for another challenge, though the chain has the transfer: the chain confirms it, with a warning', async () => {
    const moved = (await transfers()).length
    await rig.server.arm('lie-receipt')
    const result = await search('a lying receipt')
    expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'unconfirmed', reason: 'the receipt is for another challenge' })
    const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', settledAmountAtomic: 10_000n })
    expect(await transfers()).toHaveLength(moved + 1)
    const receipt = await rig.chain.client.getTransactionReceipt({ hash: row.transactionReference as `0x${string}` })
    expect(receipt.status).toBe('success')
  })
})

describe('eight bridges at once', () => {
  let rule: Rules.Rule
  beforeAll(() => {
    rule = rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000n, now: Date.now() }))
  })
  afterAll(() => rig.ledger((db) => Rules.remove(db, rule.id, Date.now())))

  it('each paid call re-challenged: eight credentials, eight second payments declined, nothing moved', async () => {
    const hosts = await Promise.all(Array.from({ length: 8 }, () => hostWithBridge([rig.server.url], rig.home)))
    try {
      await rechallenge(-32043, () => {}, 8)
      const [rows, sent, moved] = [rig.rows().length, (await credentials()).length, (await transfers()).length]
      const results = await Promise.all(hosts.map(({ client }, index) => search(`bridge ${index}`, client)))
      for (const result of results) expect(result.content).toEqual([{ type: 'text', text: refusedAgain() }])
      expect((await credentials()).slice(sent)).toHaveLength(8)
      expect(await transfers()).toHaveLength(moved)
      const added = rig.rows().slice(rows)
      expect(added.filter((row) => row.state === 'sent' && row.round === 1)).toHaveLength(8)
      expect(added.filter((row) => row.declineReason === 'rechallenge' && row.round === 2)).toHaveLength(8)
    } finally {
      await Promise.all(hosts.map(({ client }) => client.close()))
    }
  }, 60_000)
})

describe('a local process that reports outcomes for payments it did not ask for', () => {
  let rule: Rules.Rule
  beforeAll(() => {
    rule = rig.ledger((db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000n, now: Date.now() }))
  })
  afterAll(() => rig.ledger((db) => Rules.remove(db, rule.id, Date.now())))

  it('is refused with a sentence and changes nothing, while the real bridge keeps paying', async () => {
    const paid = await search('a real payment')
    const { paymentId } = paid._meta?.['allowance/payment'] as { paymentId: number }
    const before = await rig.outcome(paymentId)
    expect(before.state).toBe('confirmed')

    const intruder = new CompanionClient({ socketPath: Home.paths(rig.home).socket, hello: { role: 'bridge', upstream: rig.server.url } })
    try {
      const lies = [
        { status: 'failed', error: 'it failed, release the budget', sent: false },
        { status: 'accepted', receipt: { status: 'success', method: 'evm', reference: `0x${'ab'.repeat(32)}` } },
      ] as const
      for (const id of [paymentId, paymentId + 1, paymentId + 2]) {
        for (const outcome of lies) {
          const refused = await intruder.request({ type: 'payment.outcome', paymentId: id, outcome }).catch((error: CompanionError) => error)
          expect(refused).toBeInstanceOf(CompanionError)
          expect(refused).toMatchObject({ code: 'not_yours', message: `Payment ${id} was not asked for on this connection; Allowance ignored this outcome.` })
        }
      }
      expect(rig.ledger((db) => Payments.get(db, paymentId))).toEqual(before)
      // The next payments, ids the intruder guessed, are the real bridge's: they pay and confirm.
      for (const query of ['after the lies', 'and again']) {
        const result = await search(query)
        expect(result.isError).toBeFalsy()
        expect(await rig.outcome((result._meta?.['allowance/payment'] as { paymentId: number }).paymentId)).toMatchObject({ state: 'confirmed', receiptReference: expect.not.stringMatching(/^0x(ab)+$/) })
      }
    } finally {
      intruder.close()
    }
  })
})
