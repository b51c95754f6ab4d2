// The approval card when a server offers several payment methods: the human picks one on the card,
// and exactly that one pays (anvil's Tempo mode, where both TestUSDC by evm and pathUSD by tempo exist).
import type { Address } from 'viem'
import { afterAll, beforeAll, expect, it } from 'vitest'
import { openPage, screenshot, type Browser } from '../helpers/browser.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startRig, type Rig } from './rig.js'

let rig: Rig
let browser: Browser

beforeAll(async () => {
  rig = await startRig({ variant: 'tempo', server: { methods: ['evm', 'tempo'] }, config: { tempoMode: 'push' } })
  browser = await openPage(rig.daemon.ui)
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await rig?.stop()
})

it('offers each method as a choice; the one picked is the one that pays', async () => {
  const balance = (currency: Address) => rig.chain.balanceOf(currency, accounts.payer.address)
  const before = { usdc: await balance(rig.chain.token), pathUsd: await balance(pathUsd) }
  const call = rig.client.callTool({ name: 'premium_report', arguments: { topic: 'methods' } })
  const card = browser.page.getByRole('region', { name: /asks to pay/ })
  await card.waitFor({ timeout: 10_000 })
  const methods = card.getByRole('group', { name: 'Payment method' })
  expect(await methods.getByRole('radio').count()).toBe(2)
  expect(await methods.getByRole('radio', { name: 'USDC on Local Tempo test chain · 0.25 USDC' }).isChecked()).toBe(true)
  await methods.getByRole('radio', { name: 'pathUSD on Local Tempo test chain · 0.25 pathUSD' }).check()
  expect(await card.getByLabel('Amount').innerText()).toBe('0.25 pathUSD ≈ $0.25')
  await screenshot(card, 'approval-card-methods')
  await card.getByRole('button', { name: 'Pay once' }).click()

  const result = await call
  expect(result.isError).toBeFalsy()
  const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
  expect((await rig.outcome(paymentId)).details).toMatchObject({ method: 'tempo', symbol: 'pathUSD', amountAtomic: 250_000n })
  expect(await balance(pathUsd)).toBe(before.pathUsd - 250_000n)
  expect(await balance(rig.chain.token)).toBe(before.usdc)
})
