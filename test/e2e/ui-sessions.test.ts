// A session as the user sees it in Chromium, on the page the daemon serves: the card for the
// deposit says the money is locked in escrow and comes back; the Wallet screen lists the channel
// with what it holds, used and would refund, and its Close brings the rest back, as the chain shows.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { openApp, type Browser } from '../helpers/browser.js'
import { accounts, pathUsd } from '../helpers/chain.js'
import { startSessionRig, until, type SessionRig } from './sessionRig.js'

describe('a session on the screens', () => {
  let rig: SessionRig
  let browser: Browser & { refused: string[] }
  let page: Page
  beforeAll(async () => {
    rig = await startSessionRig({ suggestedDeposit: '0.10' })
    browser = await openApp(rig.daemon.ui, { width: 1200, height: 900 })
    page = browser.page
  }, 120_000)
  afterAll(async () => {
    await browser?.close()
    await rig?.stop()
  })

  it('approves the deposit on a card that says it is locked in escrow, lists the channel, and closes it with Close', async () => {
    const call = rig.call(1)
    const card = page.getByRole('region', { name: /asks to pay/ })
    await card.waitFor({ timeout: 10_000 })
    await card.getByText('Locks up to 0.1 pathUSD in escrow for this server; unused funds come back when the session closes.').waitFor()
    await card.getByRole('button', { name: 'Pay once' }).click()
    expect(await call).toMatchObject(rig.answered(1))
    expect(await rig.call(2)).toMatchObject(rig.answered(2))
    await until(rig.channels, (list) => list[0]?.state === 'open', 'the channel opens')

    await page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Wallet', exact: true }).click()
    const channels = page.getByRole('table', { name: 'Session channels' })
    const row = channels.getByRole('row').filter({ hasText: rig.server.url })
    await row.waitFor()
    expect(await row.getByRole('cell').allInnerTexts()).toEqual([`${rig.server.url} pathUSD on Local Tempo test chain`, '0.1 pathUSD', '0.02 pathUSD', '0.08 pathUSD', expect.stringMatching(/^in /), 'Close'])
    const before = await rig.chain.balanceOf(pathUsd, accounts.payer.address)
    await row.getByRole('button', { name: 'Close' }).click()
    await row.getByText('0.08 pathUSD returned').waitFor({ timeout: 40_000 })
    await row.getByText('Closed').waitFor()
    // The chain shows the refund, less the network fee of the wallet's close request.
    const refunded = (await rig.chain.balanceOf(pathUsd, accounts.payer.address)) - before
    expect(refunded).toBe(80_000n - rig.channels()[0]!.closeFee!)
    expect(browser.refused).toEqual([])
  }, 90_000)
})
