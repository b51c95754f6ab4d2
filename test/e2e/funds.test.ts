// A wallet that warns before it runs dry, end to end on anvil: spending past a token's warning level
// (one notice, not one per payment, and a Wallet banner with the address to top up), a top-up that
// clears it, a payment the balance cannot cover (one sentence for the agent, the amount missing for
// the user, nothing signed or moved), and a card the Stripe stand-in declines.
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { createWalletClient, http, parseAbi } from 'viem'
import * as Warnings from '../../main/ledger/Warnings.js'
import * as StandIn from '../fixtures/stripe/standIn.js'
import { accounts, keys } from '../helpers/chain.js'
import { cli, ok } from '../helpers/cli.js'
import { card, startStripeRig, type StripeRig } from '../helpers/stripe.js'
import { privateKeyToAccount } from 'viem/accounts'
import { autoApprove, startRig, type Rig } from './rig.js'

const erc20 = parseAbi(['function mint(address to, uint256 value)', 'function transfer(address to, uint256 value) returns (bool)'])

/** The lines the daemon printed for the person at its terminal about money (its notices). */
const notices = (rig: Rig, pattern: RegExp) => rig.daemon.stdout().split('\n').filter((line) => line.startsWith('Allowance: ') && pattern.test(line))

const wallet = async (rig: Rig) => (await rig.daemon.api('GET', '/api/wallet')).body as { warnings: { kind: string; title: string; body: string; action: string | null; address: string | null }[]; thresholds: { currency: string; amount: string | null; byDefault: boolean }[] }

describe('a wallet on anvil', () => {
  let rig: Rig
  let token: string
  const payer = () => rig.chain.balanceOf(rig.chain.token, accounts.payer.address)
  /** Sends TestUSDC: minted to the payer (a top-up), or moved out of the payer's wallet. */
  const send = async (how: 'mint' | 'drain', amount: bigint) => {
    const from = privateKeyToAccount(how === 'mint' ? keys.relayer : keys.payer)
    const client = createWalletClient({ account: from, chain: rig.chain.viemChain, transport: http(rig.chain.rpcUrl) })
    const hash =
      how === 'mint'
        ? await client.writeContract({ address: rig.chain.token, abi: erc20, functionName: 'mint', args: [accounts.payer.address, amount] })
        : await client.writeContract({ address: rig.chain.token, abi: erc20, functionName: 'transfer', args: [accounts.relayer.address, amount] })
    await rig.chain.client.waitForTransactionReceipt({ hash })
  }
  let searches = 0
  const search = async () => {
    // Each with its own query: the same call paid five times a minute would trip the loop breaker.
    const result = await rig.client.callTool({ name: 'search', arguments: { query: `funds ${++searches}` } })
    const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
    return { result, row: await rig.outcome(paymentId) }
  }

  beforeAll(async () => {
    rig = await startRig({ config: { balances: { checkSeconds: 1 } } }) // 100 test USDC in the wallet
    autoApprove(rig, 300_000n)
    token = `${rig.chain.chainId}:${rig.chain.token.toLowerCase()}`
  }, 120_000)
  afterAll(() => rig?.stop())

  it('a token the wallet pays with gets the default warning level: what the budgets could spend in a day', async () => {
    await search()
    await ok(rig.home, ['budget', 'set', '2.00', '--period', 'day'])
    await ok(rig.home, ['budget', 'set', '5.00', '--period', 'week'])
    const levels = JSON.parse(await ok(rig.home, ['wallet', 'threshold', '--json']))
    expect(levels).toEqual([{ token, symbol: 'USDC', chainId: rig.chain.chainId, warnBelow: '2', byDefault: true }])
    expect((await wallet(rig)).thresholds).toEqual([{ currency: token, token: 'USDC on Local test chain', amount: '2 USDC', byDefault: true, decimals: 6 }])
    expect((await wallet(rig)).warnings).toEqual([])
  })

  it('spending down past the level: one notice, not one per payment; the Wallet screen shows a banner with the address to top up', async () => {
    const balance = await payer()
    // Warn once the wallet holds less than what it holds now minus 0.025: the third payment of 0.01 crosses it.
    const level = balance - 25_000n
    const set = await ok(rig.home, ['wallet', 'threshold', (Number(level) / 1e6).toFixed(6), '--token', token])
    expect(set).toMatch(/^Allowance warns about USDC on chain 31337 below \d+\.\d+ USDC\.\n$/)
    for (let i = 0; i < 2; i++) expect((await search()).row.state).toBe('confirmed')
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(notices(rig, /running low/)).toEqual([])
    for (let i = 0; i < 4; i++) expect((await search()).row.state).toBe('confirmed')
    await expect.poll(() => notices(rig, /running low/).length, { timeout: 5000 }).toBe(1)
    await new Promise((resolve) => setTimeout(resolve, 2500)) // two more periodic checks: still one notice
    const lines = notices(rig, /running low/)
    expect(lines).toHaveLength(1)
    expect(lines[0]).toMatch(/^Allowance: Your USDC on Local test chain is running low\. The wallet holds 99\.\d+ USDC, below your warning level of 99\.\d+ USDC\.$/)
    const { warnings } = await wallet(rig)
    expect(warnings).toEqual([
      {
        kind: 'low_balance',
        title: 'Your USDC on Local test chain is running low',
        body: expect.stringMatching(/^The wallet holds 99\.\d+ USDC, below your warning level of 99\.\d+ USDC\.$/),
        action: `Send USDC on Local test chain to ${accounts.payer.address} to top it up.`,
        address: accounts.payer.address,
        since: expect.any(Number),
      },
    ])
    expect((await cli(rig.home, ['wallet', 'warnings'])).stdout).toContain('Your USDC on Local test chain is running low')
    // The warning is in the ledger's log of warnings.
    expect(rig.ledger((db) => Warnings.log(db).map((warning) => warning.kind))).toEqual(['low_balance'])
  }, 90_000)

  it('a top-up clears the banner', async () => {
    await send('mint', 10_000_000n)
    await expect.poll(async () => (await wallet(rig)).warnings, { timeout: 5000 }).toEqual([])
    expect(rig.ledger((db) => Warnings.log(db)[0]!.clearedAt)).not.toBeNull()
    expect(notices(rig, /running low/)).toHaveLength(1)
  })

  it('a payment the wallet cannot cover: the agent reads one sentence, the user is told the amount missing, nothing is signed or moved', async () => {
    const balance = await payer()
    await send('drain', balance - 4_000n) // 0.004 USDC left
    await new Promise((resolve) => setTimeout(resolve, 1500)) // the periodic check reads the new balance
    const credentials = (await rig.server.stats()).credentials.length
    const result = await rig.client.callTool({ name: 'premium_report', arguments: { topic: 'money' } })
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([
      { type: 'text', text: 'Allowance approved the payment for `premium_report`, but the wallet does not hold enough USDC to pay it; the user has been told.' },
    ])
    const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
    expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'declined', reason: 'insufficient_funds' })
    expect(await rig.outcome(paymentId)).toMatchObject({ state: 'failed', error: 'the wallet holds 0.004 USDC of the 0.25 USDC needed' })
    expect(await payer()).toBe(4_000n)
    expect((await rig.server.stats()).credentials).toHaveLength(credentials)
    await expect.poll(() => notices(rig, /short/)).toEqual([
      `Allowance: A payment failed: the wallet is 0.246 USDC short. tool premium_report on 127.0.0.1:${rig.server.port} asked 0.25 USDC; the wallet holds 0.004 USDC on Local test chain.`,
    ])
    const { warnings } = await wallet(rig)
    expect(warnings.map((warning) => warning.kind).sort()).toEqual(['insufficient_funds', 'low_balance'])
    expect(warnings.find((warning) => warning.kind === 'insufficient_funds')!.action).toBe(`Send at least 0.246 USDC (USDC on Local test chain) to ${accounts.payer.address}.`)
    // A second try is refused the same way; the user is not told twice.
    expect((await rig.client.callTool({ name: 'premium_report', arguments: { topic: 'again' } })).isError).toBe(true)
    expect(notices(rig, /short/)).toHaveLength(1)
    // Topped up, both banners clear and the tool is paid.
    await send('mint', 100_000_000n)
    await expect.poll(async () => (await wallet(rig)).warnings, { timeout: 5000 }).toEqual([])
    const paid = await rig.client.callTool({ name: 'premium_report', arguments: { topic: 'paid' } })
    expect(paid.isError).toBeFalsy()
  })
})

describe('a card the Stripe stand-in declines', () => {
  let rig: StripeRig
  beforeAll(async () => void (rig = await startStripeRig({ methods: ['stripe'], card: StandIn.cards.declined.id, config: { balances: { checkSeconds: 1 } } })), 120_000)
  afterAll(() => rig?.stop())

  it('becomes one notice and a Wallet banner saying what to do; a new card clears it and pays', async () => {
    for (const query of ['one', 'two']) {
      const result = await rig.client.callTool({ name: 'search', arguments: { query } })
      expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'declined', reason: 'card_failed' })
    }
    await expect.poll(() => notices(rig, /card/)).toEqual(['Allowance: Your card was declined. Stripe said: the card was declined (card_declined/generic_decline).'])
    const { warnings } = await wallet(rig)
    expect(warnings).toEqual([
      {
        kind: 'card',
        title: 'Your card was declined',
        body: 'Stripe said: the card was declined (card_declined/generic_decline).',
        action: 'Ask your bank why, or add another card with `allowance card add --payment-method pm_…`.',
        address: null,
        since: expect.any(Number),
      },
    ])
    expect((await card(rig.home, ['remove'])).code).toBe(0)
    expect((await card(rig.home, ['add', '--payment-method', StandIn.cards.visa.id], StandIn.keys.payer)).code).toBe(0)
    await expect.poll(async () => (await wallet(rig)).warnings, { timeout: 5000 }).toEqual([])
    const paid = await rig.client.callTool({ name: 'search', arguments: { query: 'new card' } })
    expect(paid.isError).toBeFalsy()
    expect(notices(rig, /card/)).toHaveLength(1)
  })
})
