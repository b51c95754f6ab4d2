// x402 servers that lie, end to end through the built bridge and companion: offers the registry
// contradicts (an unknown asset, a network that does not hold the asset, decimals or amounts that
// lie) and a payTo that changes are refused before anything is signed — the server receives no
// payload; a payment response naming a transaction the chain does not have never makes a
// confirmed row, and one claiming an upto settlement above the approved ceiling, or more than
// moved, makes a row confirmed at what the chain shows moved; a storm of payment-required answers
// after payment is paid once per call, never twice.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Scope from '../../main/ledger/Scope.js'
import * as Settings from '../../main/ledger/Settings.js'
import { accounts } from '../helpers/chain.js'
import { startX402Rig, type X402Rig } from '../helpers/x402.js'

let rig: X402Rig

const call = (name: string, args: Record<string, unknown> = {}) => rig.client.callTool({ name, arguments: args }) as Promise<CallToolResult>
const payloads = async () => (await rig.server.stats()).payloads.length
const transfers = () => rig.chain.transfersFrom(rig.chain.token, accounts.payer.address)
const paymentOf = (result: CallToolResult) => result._meta?.['allowance/payment'] as { status: string; paymentId: number; reason?: string; reference?: string }
const declined = (clause: RegExp) => new RegExp(`^Payment (of [0-9.]+ USDC )?to 127\\.0\\.0\\.1:${rig.server.port} for \`search\` was declined: ${clause.source}`)

beforeAll(async () => {
  rig = await startX402Rig({ settings: { settlement: { timeoutSeconds: 5, maxIntervalSeconds: 0.5 } } })
  rig.ledger((db) => {
    Settings.set(db, { approvalTimeoutMs: 3_000 })
    Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 100_000n, now: Date.now() })
  })
  // One honest payment first: the server and its recipient are known, as they would be to a user.
  expect((await call('search', { query: 'honest' })).isError).toBeFalsy()
}, 120_000)

afterAll(() => rig?.stop())

describe('offers the registry contradicts: declined, and the server receives no payload', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['an unknown asset', { asset: '0x1111111111111111111111111111111111111111' }, /the currency 0x1111111111111111111111111111111111111111 on chain 31337 is unknown to Allowance\./],
    ['a network that does not hold the asset', { network: 'eip155:84532' }, /the currency 0x[0-9a-fA-F]{40} is known on chain 31337, not on chain 84532\./],
    ['decimals that lie', { extra: { name: 'USD Coin', version: '2', decimals: 18 } }, /the server misstated the decimals of USDC, which has 6\./],
    ['an amount that is no integer', { amount: '0.01' }, /the amount "0\.01" is not an integer string of atomic units\./],
    ['a negative amount', { amount: '-10000' }, /the amount "-10000" is not an integer string of atomic units\./],
    ['a signing domain that is not the token\'s', { extra: { name: 'Tether', version: '1' } }, /the server names USDC's signing domain "Tether" version "1"/],
  ]
  it.each(cases)('%s', async (_, patch, clause) => {
    const [sent, moved, rows] = [await payloads(), (await transfers()).length, rig.rows().length]
    await rig.server.offer({ patch })
    const result = await call('search', { query: 'hostile' })
    expect(result.isError).toBe(true)
    expect((result.content as { text: string }[])[0]!.text).toMatch(declined(clause))
    expect(paymentOf(result)).toMatchObject({ status: 'declined', reason: 'invalid_challenge' })
    expect(await payloads()).toBe(sent)
    expect(await transfers()).toHaveLength(moved)
    expect(rig.rows().slice(rows)).toEqual([expect.objectContaining({ state: 'declined', protocol: 'x402', decidedBy: 'policy', declineReason: 'invalid_challenge' })])
  })
})

it('an amount far above the rule, whatever the server\'s text says, asks the human at the registry\'s price; nobody answers: no payload', async () => {
  const sent = await payloads()
  await rig.server.offer({ patch: { amount: '10000000' } })
  const result = await call('search', { query: 'cheap, it says' })
  expect((result.content as { text: string }[])[0]!.text).toMatch(declined(/nobody approved it in time\./))
  expect((result.content as { text: string }[])[0]!.text).toContain('Payment of 10 USDC')
  expect(await payloads()).toBe(sent)
})

describe('a payTo that changes', () => {
  it('on a fresh call, a recipient the rule does not name asks the human; nobody answers: no payload', async () => {
    const sent = await payloads()
    await rig.server.offer({ patch: { payTo: accounts.relayer.address } })
    const result = await call('search', { query: 'new payTo' })
    expect((result.content as { text: string }[])[0]!.text).toMatch(declined(/nobody approved it in time\./))
    expect(rig.rows().at(-1)).toMatchObject({ state: 'declined', declineReason: 'timeout', protocol: 'x402', details: { recipient: accounts.relayer.address } })
    expect(await payloads()).toBe(sent)
  })

  it('between rounds (after the payment, the server asks again for another payTo): the card says paying twice to a new recipient; no second payload', async () => {
    rig.ledger((db) => Settings.set(db, { rechallenge: 'ask' }))
    try {
      const [sent, rows] = [await payloads(), rig.rows().length]
      await rig.server.offer({ paid: true, patch: { payTo: accounts.relayer.address } })
      const pending = call('search', { query: 'payTo changes' })
      let asked: any
      await expect.poll(async () => (asked = (await rig.daemon.api('GET', '/api/approvals')).body[0]), { timeout: 10_000 }).toBeDefined()
      expect(asked.reasons).toEqual(['paying_twice', 'recipient_changed'])
      expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/decline`, {})).status).toBe(200)
      const result = await pending
      expect((result.content as { text: string }[])[0]!.text).toMatch(declined(/the user declined it\./))
      const [first, second] = rig.rows().slice(rows)
      expect(first).toMatchObject({ round: 1, protocol: 'x402', details: { recipient: accounts.recipient.address } })
      expect(second).toMatchObject({ round: 2, state: 'declined', previousPaymentId: first!.id, details: { recipient: accounts.relayer.address } })
      expect((await rig.server.stats()).payloads.slice(sent)).toEqual([expect.objectContaining({ payTo: accounts.recipient.address })])
    } finally {
      rig.ledger((db) => Settings.set(db, { rechallenge: 'decline' }))
    }
  })
})

describe('payment responses the chain contradicts', () => {
  it('a success naming a transaction the chain does not have: accepted, never confirmed', async () => {
    const [sent, moved] = [await payloads(), (await transfers()).length]
    await rig.server.arm('fake-transaction')
    const result = await call('search', { query: 'fake transaction' })
    expect(result.isError).toBeFalsy()
    const { paymentId, reference } = paymentOf(result)
    expect(reference).toMatch(/^0x[0-9a-f]{64}$/)
    expect(await rig.chain.client.getTransactionReceipt({ hash: reference as `0x${string}` }).catch(() => 'none')).toBe('none')
    expect(await payloads()).toBe(sent + 1)
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'unconfirmed', protocol: 'x402', receiptReference: reference, transactionReference: null })
    expect(row.error).toMatch(/has not been used on chain/)
    expect(await transfers()).toHaveLength(moved)
  })

  it('an upto settlement response above the approved ceiling is no receipt: the agent hears the payment is in question, and the ledger books what the chain shows moved', async () => {
    const [sent, moved] = [await payloads(), (await transfers()).length]
    await rig.server.arm('lie-amount')
    const result = await call('metered')
    const { paymentId, status, reason } = paymentOf(result)
    expect(status).toBe('unconfirmed')
    expect(reason).toMatch(/says 50001 atomic units were settled, more than the 50000 approved/)
    expect(await payloads()).toBe(sent + 1)
    // The chain: the settlement moved 0.02 of the 0.05 permitted, in the transaction the server made.
    expect((await transfers()).slice(moved)).toEqual([{ to: accounts.recipient.address, value: 20_000n }])
    const transaction = (await rig.server.stats()).transactions.at(-1)
    // Its answer was no receipt, so the row waited as a credential the server had; the check found
    // the settlement of this permit on chain by itself, and booked what moved.
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', protocol: 'x402', settledAmountAtomic: 20_000n, transactionReference: transaction, receiptReference: null })
    expect(row.details).toMatchObject({ scheme: 'upto', amountAtomic: 50_000n, budgetAmount: 20_000n })
    expect(row.error).toMatch(/did not accept the payment, but it was taken/)
  })

  it('an upto settlement response claiming more than moved on chain: the ledger books what moved, and the budget releases the rest of the ceiling', async () => {
    const moved = (await transfers()).length
    await rig.server.arm('claim-ceiling')
    const result = await call('metered')
    const { paymentId, status, reference } = paymentOf(result)
    expect(status).toBe('accepted') // 0.05 claimed: within the ceiling, so a receipt, but only a claim
    expect((await transfers()).slice(moved)).toEqual([{ to: accounts.recipient.address, value: 20_000n }])
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', protocol: 'x402', settledAmountAtomic: 20_000n, transactionReference: reference, error: null })
    expect(row.details).toMatchObject({ scheme: 'upto', amountAtomic: 50_000n, budgetAmount: 20_000n })
  })

  it('an upto settlement response naming an earlier settlement to the same recipient: the check finds the one that used this permit, and books it once', async () => {
    const moved = (await transfers()).length
    const earlier = (await rig.server.stats()).transactions.at(-1)!
    await rig.server.arm('name-previous')
    const result = await call('metered')
    const { paymentId, reference } = paymentOf(result)
    expect(reference).toBe(earlier)
    expect((await transfers()).slice(moved)).toEqual([{ to: accounts.recipient.address, value: 20_000n }])
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', settledAmountAtomic: 20_000n, receiptReference: earlier })
    expect(row.transactionReference).not.toBe(earlier)
    const receipt = await rig.chain.client.getTransactionReceipt({ hash: row.transactionReference as `0x${string}` })
    expect(receipt.status).toBe('success')
    // Each settlement transaction is booked by one row only.
    const booked = rig.rows().map((each) => each.transactionReference).filter((hash) => hash !== null)
    expect(new Set(booked).size).toBe(booked.length)
  })
})

it('an upto offer whose facilitator takes no EIP-2612 permit, from a wallet Permit2 may not pull the ceiling from: nothing is signed, the agent hears why, and nothing is held', async () => {
  const [sent, moved, rows] = [await payloads(), (await transfers()).length, rig.rows().length]
  await rig.server.offer({ extensions: null })
  const result = await call('metered')
  expect(result.isError).toBe(true)
  const text = (result.content as { text: string }[])[0]!.text
  expect(text).toContain('needs Permit2 to be allowed to move at least 50000 atomic units')
  expect(text).toContain('Allowance does not grant Permit2 standing approvals')
  expect(await payloads()).toBe(sent)
  expect(await transfers()).toHaveLength(moved)
  const [row] = rig.rows().slice(rows)
  expect(row).toMatchObject({ state: 'failed', protocol: 'x402', settledAmountAtomic: null, details: { scheme: 'upto', amountAtomic: 50_000n, budgetAmount: 50_000n } })
  const day = { start: Date.now() - 3_600_000, end: Date.now() + 60_000 }
  expect(rig.ledger((db) => Payments.reserved(db, { unit: 'usd', ...day, scope: Scope.normalize({ upstream: rig.server.url, operation: 'tools/call', target: 'metered' }) })))
    .toBe(rig.rows().filter((each) => each.target === 'metered' && each.state === 'confirmed').reduce((sum, each) => sum + each.details!.budgetAmount, 0n))
})

describe('a storm of payment-required answers after payment', () => {
  it('each call pays once and is refused a second payment; the server receives one payload per call', async () => {
    const [sent, rows] = [await payloads(), rig.rows().length]
    await rig.server.offer({ paid: true, count: 100 })
    for (const query of ['one', 'two', 'three']) {
      const result = await call('search', { query })
      expect((result.content as { text: string }[])[0]!.text).toMatch(declined(/the server refused a payment it had already been sent; Allowance did not pay again\./))
    }
    expect((await rig.server.stats()).payloads.slice(sent).map((payload) => payload.target)).toEqual(['search', 'search', 'search'])
    const added = rig.rows().slice(rows)
    expect(added.map((row) => [row.round, row.decision, row.declineReason])).toEqual([
      [1, 'approved', null],
      [2, 'declined', 'rechallenge'],
      [1, 'approved', null],
      [2, 'declined', 'rechallenge'],
      [1, 'approved', null],
      [2, 'declined', 'rechallenge'],
    ])
    await rig.server.offer({ paid: true, count: 0 }) // calm again
  })
})
