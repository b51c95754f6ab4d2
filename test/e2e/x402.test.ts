// Paying x402 end to end: an agent host (the SDK client) → the built bridge → an x402 MCP server
// built with @x402/core and @x402/evm whose local facilitator verifies and settles on anvil, with a
// real companion deciding and signing with a keychain-held wallet. The same rules, cards, budgets
// and ledger as MPP: paid by rule and by a human's click, `upto` approved at its ceiling and settled
// for less through Permit2 and x402's upto proxy (deployed on the test chain), a server
// offering MPP and x402 paid in the protocol the user prefers for it, free calls untouched.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { readFileSync, writeFileSync } from 'node:fs'
import { PERMIT2_ADDRESS } from '@x402/evm'
import { isAddressEqual, parseAbiItem, parseEventLogs } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Scope from '../../main/ledger/Scope.js'
import * as Settings from '../../main/ledger/Settings.js'
import * as Home from '../../main/shared/Home.js'
import { accounts } from '../helpers/chain.js'
import { cli } from '../helpers/cli.js'
import { startX402Rig, type X402Rig } from '../helpers/x402.js'

let rig: X402Rig

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')
const allowance = parseAbiItem('function allowance(address owner, address spender) view returns (uint256)')

const payer = () => rig.chain.balanceOf(rig.chain.token, accounts.payer.address)
const recipient = () => rig.chain.balanceOf(rig.chain.token, accounts.recipient.address)
const call = (name: string, args: Record<string, unknown> = {}) => rig.client.callTool({ name, arguments: args }) as Promise<CallToolResult>
const permit2Allowance = () => rig.chain.client.readContract({ address: rig.chain.token, abi: [allowance], functionName: 'allowance', args: [accounts.payer.address, PERMIT2_ADDRESS] })
const paymentOf = (result: CallToolResult) => result._meta?.['allowance/payment'] as { status: string; paymentId: number; reference?: string; reason?: string }

beforeAll(async () => {
  // Checks of what the chain shows give up after 5 s here (2 minutes by default).
  rig = await startX402Rig({ settings: { settlement: { timeoutSeconds: 5, maxIntervalSeconds: 0.5 } } })
  rig.ledger((db) => {
    Settings.set(db, { approvalTimeoutMs: 10_000 })
    // Up to $0.05 a call to this server's recipient, as a user who knows the server would allow.
    Rules.add(db, { kind: 'auto_approve', scope: { upstream: rig.server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 50_000n, now: Date.now() })
  })
}, 120_000)

afterAll(() => rig?.stop())

describe('x402 exact', () => {
  it('is paid by the rule: the server receives one payload, the chain moves exactly the price, and the ledger row is confirmed as x402', async () => {
    const [payerBefore, recipientBefore] = [await payer(), await recipient()]
    const result = await call('search', { query: 'weather in Lisbon' })
    expect(result.isError).toBeFalsy()
    expect(result.content).toEqual([{ type: 'text', text: 'results for weather in Lisbon: alpha, beta, gamma' }])
    const stats = await rig.server.stats()
    expect(stats.payloads).toEqual([{ target: 'search', scheme: 'exact', payTo: accounts.recipient.address, network: `eip155:${rig.chain.chainId}` }])
    expect(await payer()).toBe(payerBefore - 10_000n)
    expect(await recipient()).toBe(recipientBefore + 10_000n)

    const { paymentId, status, reference } = paymentOf(result)
    expect(status).toBe('accepted')
    expect(reference).toBe(stats.transactions[0])
    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', protocol: 'x402', target: 'search', decidedBy: 'rule:1', settledAmountAtomic: 10_000n, transactionReference: stats.transactions[0] })
    expect(row.details).toMatchObject({ method: 'x402', protocol: 'x402', scheme: 'exact', amountAtomic: 10_000n, symbol: 'USDC', recipient: accounts.recipient.address })
    expect((await rig.chain.client.getTransactionReceipt({ hash: row.transactionReference as `0x${string}` })).status).toBe('success')

    // Scripts and the History screen read the protocol.
    const [record] = JSON.parse((await cli(rig.home, ['history', '--json', '--limit', '1'])).stdout)
    expect(record).toMatchObject({ id: paymentId, protocol: 'x402', method: 'x402', scheme: 'exact', state: 'confirmed', amount: '0.01' })
    const csv = (await cli(rig.home, ['history', '--csv', '--limit', '1'])).stdout.split('\n')
    expect(csv[0]).toContain('protocol,method,scheme')
    expect(csv[1]).toContain(',x402,x402,exact,')
    const { body: history } = await rig.daemon.api('GET', '/api/history')
    expect(history.rows[0]).toMatchObject({ id: paymentId, protocol: 'x402', paysWith: 'x402 exact · USDC on Local test chain' })

    // The offer is the call's known price from now on, named as an x402 offer.
    const { prices } = JSON.parse((await cli(rig.home, ['servers', 'prices', rig.server.url, '--json'])).stdout)
    expect(prices).toContainEqual(expect.objectContaining({ target: 'search', source: 'x402', price: '0.01 USDC' }))
    expect((await cli(rig.home, ['servers', 'prices', rig.server.url])).stdout).toMatch(/search.*0\.01 USDC.*x402 offer/)
  })

  it('above the rule, asks a human on a card that names the protocol and scheme; Pay once pays once', async () => {
    const before = await payer()
    const pending = call('premium_report', { topic: 'x402' })
    let asked: any
    await expect.poll(async () => (asked = (await rig.daemon.api('GET', '/api/approvals')).body[0]), { timeout: 10_000 }).toBeDefined()
    expect(asked.reasons).toEqual(['above_auto_approve'])
    expect(asked.options).toEqual([expect.objectContaining({ amount: '0.25 USDC', paysWith: 'x402 exact · USDC on Local test chain', recipient: accounts.recipient.address })])
    expect((await rig.server.stats()).payloads).toHaveLength(1) // nothing is sent while the human decides
    expect((await rig.daemon.api('POST', `/api/approvals/${asked.paymentId}/approve`, {})).status).toBe(200)
    const result = await pending
    expect(result.content).toEqual([{ type: 'text', text: 'report on x402: all is well' }])
    expect((await rig.server.stats()).payloads.map((payload) => payload.target)).toEqual(['search', 'premium_report'])
    expect(await payer()).toBe(before - 250_000n)
    expect(await rig.outcome(asked.paymentId)).toMatchObject({ state: 'confirmed', protocol: 'x402', decidedBy: 'human', settledAmountAtomic: 250_000n })
  })

  it('lets free calls through without the companion being asked', async () => {
    const [rows, required] = [rig.rows().length, await rig.server.stats()]
    expect(await call('free_echo', { text: 'hi' })).toMatchObject({ content: [{ type: 'text', text: 'hi' }] })
    expect(rig.rows()).toHaveLength(rows)
    expect((await rig.server.stats()).required).toEqual(required.required)
  })
})

describe('x402 upto', () => {
  it('approves and reserves the ceiling; the chain moves what the server settled, the ledger books it, and the budget keeps only that', async () => {
    const [payerBefore, recipientBefore] = [await payer(), await recipient()]
    // The payer has never let Permit2 pull this token: the approval travels in the payment.
    expect(await permit2Allowance()).toBe(0n)
    const result = await call('metered')
    expect(result.content).toEqual([{ type: 'text', text: 'used 0.02 of the 0.05 allowed' }])
    const { paymentId, status, reference } = paymentOf(result)
    expect(status).toBe('accepted')
    const stats = await rig.server.stats()
    expect(stats.payloads.at(-1)).toMatchObject({ target: 'metered', scheme: 'upto', payTo: accounts.recipient.address })
    expect(reference).toBe(stats.transactions.at(-1))

    // What the chain shows: the settlement moved 0.02 from the payer to the recipient, in the
    // transaction the server named, and Permit2 may pull no more than the rest of the ceiling.
    expect(await payer()).toBe(payerBefore - 20_000n)
    expect(await recipient()).toBe(recipientBefore + 20_000n)
    const receipt = await rig.chain.client.getTransactionReceipt({ hash: reference as `0x${string}` })
    expect(receipt.status).toBe('success')
    const moved = parseEventLogs({ abi: [transfer], logs: receipt.logs }).filter((log) => isAddressEqual(log.address, rig.chain.token))
    expect(moved.map(({ args }) => args)).toEqual([{ from: accounts.payer.address, to: accounts.recipient.address, value: 20_000n }])
    expect(await permit2Allowance()).toBe(30_000n)

    const row = await rig.outcome(paymentId)
    expect(row).toMatchObject({ state: 'confirmed', protocol: 'x402', target: 'metered', settledAmountAtomic: 20_000n, transactionReference: reference })
    expect(row.details).toMatchObject({ scheme: 'upto', amountAtomic: 50_000n })
    // Approved and reserved at the 0.05 ceiling; confirmed, the budget keeps only what moved.
    expect(row.details!.budgetAmount).toBe(20_000n)
    const day = { start: Date.now() - 3_600_000, end: Date.now() + 60_000 }
    const held = rig.ledger((db) => Payments.reserved(db, { unit: 'usd', ...day, scope: Scope.normalize({ upstream: rig.server.url, operation: 'tools/call', target: 'metered' }) }))
    expect(held).toBe(20_000n)

    const [record] = JSON.parse((await cli(rig.home, ['history', '--json', '--limit', '1'])).stdout)
    expect(record).toMatchObject({ id: paymentId, protocol: 'x402', scheme: 'upto', state: 'confirmed', amount: '0.05', settled_amount_atomic: '20000', budget_amount: '20000', transaction: reference })
  })
})

describe('a server offering MPP and x402 at once', () => {
  /** Calls dual_search and says which protocol paid it, checking what the server received and what moved. */
  async function paidIn(query: string): Promise<string> {
    const [before, stats] = [await payer(), await rig.server.stats()]
    const result = await call('dual_search', { query })
    expect(result.content).toEqual([{ type: 'text', text: `dual results for ${query}` }])
    const after = await rig.server.stats()
    // One credential in one protocol, never both.
    expect(after.payloads.length - stats.payloads.length + after.credentials - stats.credentials).toBe(1)
    expect(await payer()).toBe(before - 10_000n)
    const row = await rig.outcome(paymentOf(result).paymentId)
    expect(row.state).toBe('confirmed')
    expect(after.payloads.length - stats.payloads.length).toBe(row.protocol === 'x402' ? 1 : 0)
    return `${row.protocol} ${row.details!.method}`
  }

  it('pays in MPP under the default preference (evm first)', async () => {
    expect(await paidIn('default')).toBe('mpp evm')
  })

  it('pays in x402 when the user prefers x402 for this server (settings.json applies to the next payment)', async () => {
    const path = Home.paths(rig.home).config
    writeFileSync(path, JSON.stringify({ ...JSON.parse(readFileSync(path, 'utf8')), servers: { [rig.server.url]: { methodPreference: ['x402', 'evm'] } } }))
    expect(await paidIn('x402 first')).toBe('x402 x402')
  })
})
