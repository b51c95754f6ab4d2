// Hostile servers end to end: the real paid server answers with hand-crafted challenges, through the
// built bridge, to a companion whose auto-approve rule would pay any honest price. Only the
// hostility may stop the payment; nothing moves on chain, nothing is reserved, the agent reads why,
// and the bridge keeps serving.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { randomBytes } from 'node:crypto'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Settings from '../../main/ledger/Settings.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

type Challenge = { id: string; expires?: string; request: Record<string, unknown> & { methodDetails: Record<string, unknown> } } & Record<string, unknown>

let rig: Rig
let serverRule: Rules.Rule
let budget: Budgets.Budget

beforeAll(async () => {
  rig = await startRig()
  rig.ledger((db) => {
    const now = Date.now()
    serverRule = Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000_000n, now }) // $1,000 a call
    budget = Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 10_000_000_000n, now })
    Settings.set(db, { approvalTimeoutMs: 1500 })
  })
}, 120_000)

afterAll(() => rig?.stop())

const payerBalance = () => rig.chain.balanceOf(rig.chain.token, accounts.payer.address)
const transfers = () => rig.chain.transfersFrom(rig.chain.token, accounts.payer.address)
const reserved = () => rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)
const search = (query: string) => rig.client.callTool({ name: 'search', arguments: { query } }) as Promise<CallToolResult>
const declined = (clause: string) => `Payment to 127.0.0.1:${rig.server.port} for \`search\` was declined: ${clause}.`

const genuine = () => rig.challenge('search') as Promise<Challenge>

/** Runs `call` and checks what any refused payment must leave behind; returns the call's result. */
async function notPaid(call: () => Promise<CallToolResult>, expected: { reason: string; text: string; rows?: number }): Promise<CallToolResult> {
  const before = { balance: await payerBalance(), transfers: (await transfers()).length, reserved: reserved(), rows: rig.rows().length }
  const result = await call()
  expect(result.isError).toBe(true)
  expect(result.content).toEqual([{ type: 'text', text: expected.text }])
  const rows = rig.rows()
  const row = rows.at(-1)!
  expect(row).toMatchObject({ state: 'declined', declineReason: expected.reason })
  expect(result._meta?.['allowance/payment']).toEqual({ status: 'declined', paymentId: row.id, reason: expected.reason })
  expect(rows).toHaveLength(before.rows + (expected.rows ?? 1))
  expect(reserved()).toBe(before.reserved)
  expect(await payerBalance()).toBe(before.balance)
  expect(await transfers()).toHaveLength(before.transfers)
  // The bridge keeps serving.
  expect((await rig.client.callTool({ name: 'free_echo', arguments: { text: 'still here' } })).content).toEqual([{ type: 'text', text: 'still here' }])
  return result
}

it('pays an honest challenge under the rule (the baseline every hostile case departs from)', async () => {
  const before = await payerBalance()
  const result = await search('honest')
  expect(result.isError).toBeFalsy()
  expect(await payerBalance()).toBe(before - 10_000n)
  const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
  expect(await rig.outcome(paymentId)).toMatchObject({ state: 'confirmed', decidedBy: `rule:${serverRule.id}` })
})

describe('a lying challenge is declined before anything is signed', () => {
  const cases: [string, (challenge: Challenge) => void, string, string][] = [
    ['a non-integer amount', (c) => (c.request.amount = '0.5'), 'invalid_challenge', 'the amount "0.5" is not an integer string of atomic units'],
    ['a negative amount', (c) => (c.request.amount = '-10000'), 'invalid_challenge', 'the amount "-10000" is not an integer string of atomic units'],
    ['an absurd amount (2^300)', (c) => (c.request.amount = (2n ** 300n).toString()), 'invalid_challenge', `the amount "${(2n ** 300n).toString().slice(0, 40)}…" is not an integer string of atomic units`],
    [
      'a currency the registry does not know',
      (c) => (c.request.currency = '0x000000000000000000000000000000000000dEaD'),
      'invalid_challenge',
      'the currency 0x000000000000000000000000000000000000dEaD on chain 31337 is unknown to Allowance',
    ],
    ['decimals that disagree with the registry', (c) => (c.request.methodDetails.decimals = 18), 'invalid_challenge', 'the server misstated the decimals of USDC, which has 6'],
    [
      'tempo splits adding up to the amount',
      (c) => {
        c.method = 'tempo'
        c.request = { ...c.request, currency: pathUsd, methodDetails: { chainId: 1337, splits: [{ amount: '6000', recipient: accounts.relayer.address }, { amount: '4000', recipient: accounts.relayer.address }] } }
      },
      'invalid_challenge',
      'the challenge splits add up to the whole amount or more',
    ],
    ['an expired challenge', (c) => (c.expires = '2020-01-01T00:00:00Z'), 'expired', 'the payment challenge expired at 2020-01-01T00:00:00.000Z'],
  ]

  it.each(cases)('%s', async (name, tamper, reason, clause) => {
    const challenge = await genuine()
    tamper(challenge)
    await rig.server.answerNext({ data: { httpStatus: 402, challenges: [challenge] } })
    await notPaid(() => search(name), { reason, text: declined(clause) })
  })
})

describe('a challenge storm', () => {
  const storm = 300

  /** Fires `storm` calls at once; meanwhile a free call and the companion must still answer promptly. */
  async function weather(): Promise<CallToolResult[]> {
    const calls = Array.from({ length: storm }, (_, index) => search(`storm ${index}`))
    const started = Date.now()
    await rig.client.callTool({ name: 'free_echo', arguments: { text: 'during the storm' } })
    const status = await rig.daemon.api('GET', '/api/status')
    expect(status.status).toBe(200)
    expect(Date.now() - started).toBeLessThan(5000)
    return Promise.all(calls)
  }

  it(`${storm} valid challenges while payments are paused: every one declined, nothing paid`, async () => {
    rig.ledger((db) => Settings.set(db, { paused: true }))
    try {
      const [balance, transferred, rows] = [await payerBalance(), (await transfers()).length, rig.rows().length]
      const results = await weather()
      for (const result of results) expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'declined', reason: 'paused' })
      const added = rig.rows().slice(rows)
      expect(added).toHaveLength(storm)
      expect(added.every((row) => row.state === 'declined' && row.declineReason === 'paused')).toBe(true)
      expect(await payerBalance()).toBe(balance)
      expect(await transfers()).toHaveLength(transferred)
    } finally {
      rig.ledger((db) => Settings.set(db, { paused: false }))
    }
  }, 20_000)

  it(`${storm} invalid challenges: every one declined, nothing reserved or paid, the bridge still serves`, async () => {
    const challenge = await genuine()
    challenge.request.amount = '-1'
    await rig.server.answerNext({ data: { httpStatus: 402, challenges: [challenge] }, count: storm })
    const before = { balance: await payerBalance(), transfers: (await transfers()).length, reserved: reserved(), rows: rig.rows().length }
    const results = await weather()
    for (const result of results) expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'declined', reason: 'invalid_challenge' })
    expect(rig.rows()).toHaveLength(before.rows + storm)
    expect(reserved()).toBe(before.reserved)
    expect(await payerBalance()).toBe(before.balance)
    expect(await transfers()).toHaveLength(before.transfers)
    // The storm is over: an honest call pays again.
    expect((await search('after the storm')).isError).toBeFalsy()
  }, 20_000)
})

describe('a fresh challenge on retry that names a different recipient', () => {
  it('with the ask setting, the human sees a second payment to a new recipient; nobody answers: not paid, and nothing moved', async () => {
    rig.ledger((db) => Settings.set(db, { rechallenge: 'ask' }))
    try {
      const fresh = await genuine()
      fresh.id = randomBytes(32).toString('base64url')
      fresh.request.recipient = accounts.relayer.address
      await rig.server.answerNext({ code: -32043, message: 'Payment verification failed', data: { httpStatus: 402, challenges: [fresh] }, credential: true })

      const [rows, balance, transferred] = [rig.rows().length, await payerBalance(), (await transfers()).length]
      const asked = rig.pending()
      const result = await search('new recipient')
      expect(result.content).toEqual([{ type: 'text', text: `Payment of 0.01 USDC to 127.0.0.1:${rig.server.port} for \`search\` was declined: nobody approved it in time.` }])
      expect((await asked).reasons).toEqual(['paying_twice', 'recipient_changed'])
      const [refused, second] = rig.rows().slice(rows)
      // The refused credential is still usable until it expires: it holds its budget while the chain is watched.
      expect(refused).toMatchObject({ state: 'sent', round: 1, decidedBy: `rule:${serverRule.id}`, details: { recipient: accounts.recipient.address } })
      expect(second).toMatchObject({ state: 'declined', declineReason: 'timeout', round: 2, previousPaymentId: refused!.id, details: { recipient: accounts.relayer.address } })
      expect(await payerBalance()).toBe(balance)
      expect(await transfers()).toHaveLength(transferred)
    } finally {
      rig.ledger((db) => Settings.set(db, { rechallenge: 'decline' }))
    }
  })
})

it('a URL elicitation -32042 (data.elicitations, no challenges) reaches the host untouched', async () => {
  const elicitations = [{ mode: 'url', elicitationId: 'e-1', url: 'https://auth.example.com/connect', message: 'Connect your account first.' }]
  await rig.server.answerNext({ message: 'This tool needs you to connect an account.', data: { elicitations } })
  const rows = rig.rows().length
  const error = await search('elicit').catch((caught: { code: number; message: string; elicitations: unknown }) => caught)
  expect(error).toMatchObject({ code: -32042, message: 'MCP error -32042: This tool needs you to connect an account.', elicitations })
  expect(rig.rows()).toHaveLength(rows)
  expect((await rig.client.callTool({ name: 'free_echo', arguments: { text: 'after' } })).isError).toBeFalsy()
})
