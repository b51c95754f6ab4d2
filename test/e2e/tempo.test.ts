// Tempo charge end to end on anvil's Tempo mode (chain 1337, where the seed registry knows pathUSD):
// the companion signs and broadcasts (push mode) with the keychain-held wallet, the server verifies
// the transfer, and the ledger settles. Then a server offering both evm and tempo, where the user's
// `methodPreference` — not the server's order — picks what pays.
import type { Address } from 'viem'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Budgets from '../../main/ledger/Budgets.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { autoApprove, startRig, type Rig } from './rig.js'

/** The TIP-20 stablecoin anvil's Tempo mode has the payer pay its network fees in. */
const thetaUsd: Address = '0x20C0000000000000000000000000000000000003'

/** A rig on Tempo whose companion pays `search` ($0.01) by rule, pushing tempo transactions itself. */
async function tempoRig(methods: ('evm' | 'tempo')[], methodPreference?: string[]): Promise<Rig> {
  const rig = await startRig({ variant: 'tempo', server: { methods }, config: { tempoMode: 'push', ...(methodPreference && { methodPreference }) } })
  autoApprove(rig, 300_000n)
  return rig
}

/** What `run` moved of `currency`: the payer's and the recipient's balance changes, and the payer's transfers. */
async function moved(rig: Rig, currency: Address, run: () => Promise<unknown>) {
  const balances = () => Promise.all([rig.chain.balanceOf(currency, accounts.payer.address), rig.chain.balanceOf(currency, accounts.recipient.address)])
  const [[payer, recipient], earlier] = await Promise.all([balances(), rig.chain.transfersFrom(currency, accounts.payer.address)])
  await run()
  const [[payerAfter, recipientAfter], transfers] = await Promise.all([balances(), rig.chain.transfersFrom(currency, accounts.payer.address)])
  return { payer: payerAfter - payer, recipient: recipientAfter - recipient, transfers: transfers.slice(earlier.length) }
}

/** Calls `search` and returns the settled ledger row. */
async function paidSearch(rig: Rig, query: string) {
  const result = await rig.client.callTool({ name: 'search', arguments: { query } })
  expect(result.isError).toBeFalsy()
  expect(result.content).toEqual([{ type: 'text', text: `results for ${query}: alpha, beta, gamma` }])
  const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
  const row = await rig.outcome(paymentId)
  expect(row).toMatchObject({ state: 'confirmed', decidedBy: expect.stringMatching(/^rule:/) })
  return row
}

describe('a tempo-only server', () => {
  let rig: Rig
  beforeAll(async () => void (rig = await tempoRig(['tempo'])), 120_000)
  afterAll(() => rig?.stop())

  it('pays search in pathUSD: exactly the price moves from the payer to the recipient, the row settles with the transaction', async () => {
    let row: Awaited<ReturnType<typeof paidSearch>> | undefined
    const delta = await moved(rig, pathUsd, async () => void (row = await paidSearch(rig, 'tempo')))
    expect(delta).toEqual({ payer: -10_000n, recipient: 10_000n, transfers: [{ to: accounts.recipient.address, value: 10_000n }] })
    expect(row!.details).toMatchObject({ method: 'tempo', chainId: 1337, amountAtomic: 10_000n, symbol: 'pathUSD' })
    expect(row!.receiptReference).toMatch(/^0x[0-9a-f]{64}$/)
    const receipt = await rig.chain.client.getTransactionReceipt({ hash: row!.receiptReference as `0x${string}` })
    expect(receipt).toMatchObject({ status: 'success', from: accounts.payer.address.toLowerCase() })
    expect(row!.transactionReference).toBe(row!.receiptReference)
  })

  it('books the network fee the wallet paid, to the atomic unit of the chain, and counts it against the budget', async () => {
    const budget = rig.ledger((db) => Budgets.add(db, { period: 'day', scope: { upstream: rig.server.url }, unit: 'usd', amount: 1_000_000n, now: Date.now() }))
    let row: Awaited<ReturnType<typeof paidSearch>> | undefined
    // Anvil's Tempo mode charges the payer's fees in ThetaUSD (a TIP-20 stablecoin the registry knows).
    const fees = await moved(rig, thetaUsd, async () => void (row = await paidSearch(rig, 'fee')))
    expect(fees.payer).toBeLessThan(0n)
    expect(row!.fee).toEqual({ amountAtomic: -fees.payer, currency: `1337:${thetaUsd.toLowerCase()}`, symbol: 'ThetaUSD', decimals: 6, estimated: false })
    // The payment holds its price plus that fee; the budget (created now, so it counts today's rows) has used
    // exactly what left the wallet for every payment today, fees included.
    expect(row!.details?.budgetAmount).toBe(10_000n - fees.payer)
    const paid = rig.rows().filter((payment) => payment.state === 'confirmed')
    expect(paid.map((payment) => payment.details!.budgetAmount)).toEqual(paid.map((payment) => payment.settledAmountAtomic! + payment.fee!.amountAtomic))
    expect(rig.ledger((db) => Budgets.usage(db, budget, new Date()).used)).toBe(paid.reduce((sum, payment) => sum + payment.details!.budgetAmount, 0n))
  })
})

describe.each([
  { offered: ['evm', 'tempo'] as const, preference: ['tempo', 'evm'], pays: 'tempo' },
  { offered: ['tempo', 'evm'] as const, preference: ['evm', 'tempo'], pays: 'evm' },
])('a server offering $offered, a user preferring $preference', ({ offered, preference, pays }) => {
  let rig: Rig
  beforeAll(async () => void (rig = await tempoRig([...offered], preference)), 120_000)
  afterAll(() => rig?.stop())

  it(`pays with ${pays}, and only with it`, async () => {
    const [chosen, other] = pays === 'tempo' ? [pathUsd, rig.chain.token] : [rig.chain.token, pathUsd]
    let row: Awaited<ReturnType<typeof paidSearch>> | undefined
    const untouched = await moved(rig, other, async () => {
      const paid = await moved(rig, chosen, async () => void (row = await paidSearch(rig, pays)))
      expect(paid).toEqual({ payer: -10_000n, recipient: 10_000n, transfers: [{ to: accounts.recipient.address, value: 10_000n }] })
    })
    expect(untouched).toEqual({ payer: 0n, recipient: 0n, transfers: [] })
    expect(row!.details?.method).toBe(pays)
  })
})
