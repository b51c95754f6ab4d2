// The Wallet screen on a machine with no keychain, as a newcomer meets it in Chromium: Create a
// wallet asks for a passphrase (twice) instead of telling them to set a variable; Lock and the
// unlock form decide whether the companion can sign; a card that would pay by wallet says it is
// locked, refuses Pay until it is unlocked there, and then pays.
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { openPage, type Browser } from '../helpers/browser.js'
import { requestPayment } from '../helpers/cli.js'
import { companionClient, startDaemon, withLedger, type Daemon } from '../helpers/companion.js'
import { stopAll, temporaryHome } from '../helpers/processes.js'
import { withoutKeychain } from '../helpers/wallet.js'

const passphrase = 'typed into the window'
const home = temporaryHome()
const env = withoutKeychain()
let daemon: Daemon
let browser: Browser
let page: Page

const walletStatus = () => daemon.api('GET', '/api/status').then((reply) => reply.body.wallet)
const nav = (name: string) => page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name, exact: true }).click()

beforeAll(async () => {
  daemon = await startDaemon(home.home, [], env)
  browser = await openPage(daemon.ui)
  page = browser.page
})
afterAll(async () => {
  await browser?.close()
  await stopAll()
  home.remove()
})

it('creates the wallet with a passphrase typed twice, when no keychain answers', async () => {
  await nav('Wallet')
  await page.getByRole('button', { name: 'Create a wallet' }).click()
  const form = page.getByRole('form', { name: 'Choose a wallet passphrase' })
  await expect.poll(() => form.isVisible()).toBe(true)
  await expect.poll(() => page.getByRole('status').filter({ hasText: 'No OS keychain answers' }).count()).toBe(1)

  // Two different passphrases: said at once, nothing created.
  await form.getByLabel('Passphrase').fill(passphrase)
  await form.getByLabel('Type it again').fill('something else')
  await form.getByRole('button', { name: 'Create the wallet' }).click()
  await expect.poll(() => form.getByRole('alert').textContent()).toBe('The two passphrases differ; type them again.')
  expect(Wallet.info(home.home)).toBeUndefined()

  await form.getByLabel('Passphrase').fill(passphrase)
  await form.getByLabel('Type it again').fill(passphrase)
  await form.getByRole('button', { name: 'Create the wallet' }).click()
  const address = page.getByLabel('Wallet address', { exact: true })
  await expect.poll(() => address.textContent(), { timeout: 10_000 }).toMatch(/^0x[0-9a-fA-F]{40}$/)
  expect(Wallet.info(home.home)).toMatchObject({ address: await address.textContent(), store: 'file' })
  expect(await walletStatus()).toMatchObject({ locked: false, canSign: true })
})

it('locks from the Wallet screen: the banner says so and the companion can no longer sign', async () => {
  await page.getByRole('button', { name: 'Lock the wallet' }).click()
  await expect.poll(() => page.getByRole('region', { name: 'Wallet locked' }).isVisible()).toBe(true)
  expect(await walletStatus()).toMatchObject({ locked: true, canSign: false })
})

it('a card that pays by wallet shows the lock, refuses Pay, unlocks in place and then pays', async () => {
  const bridge = companionClient(home.home, { hello: { role: 'bridge', upstream: 'https://tools.example.com/mcp' } })
  const asked = requestPayment(bridge, { upstream: 'https://tools.example.com/mcp' }).result
  await nav('Approvals')
  const card = page.getByRole('region', { name: /asks to pay/ })
  await card.waitFor({ timeout: 10_000 })
  const banner = card.getByRole('region', { name: 'Wallet locked' })
  await expect.poll(() => banner.isVisible()).toBe(true)
  expect(await card.getByRole('button', { name: /Pay once/ }).isDisabled()).toBe(true)
  expect(await card.getByRole('button', { name: /Decline/ }).isDisabled()).toBe(false)

  await banner.getByLabel('Passphrase').fill('not it at all')
  await banner.getByRole('button', { name: 'Unlock' }).click()
  await expect.poll(() => banner.getByRole('alert').textContent()).toContain('does not open the wallet')
  expect(await card.getByRole('button', { name: /Pay once/ }).isDisabled()).toBe(true)

  await banner.getByLabel('Passphrase').fill(passphrase)
  await banner.getByRole('button', { name: 'Unlock' }).click()
  await expect.poll(() => banner.count()).toBe(0)
  await card.getByRole('button', { name: /Pay once/ }).click()
  const decision = await asked
  bridge.close()
  expect(decision).toMatchObject({ kind: 'approved', decidedBy: 'human', credential: { payload: { signature: expect.stringMatching(/^0x/) } } })
  // Signed with the unlocked key: the row moved past approval (the chain check then takes it over).
  expect(withLedger(home.home, (db) => Payments.get(db, decision.paymentId!)?.state)).not.toMatch(/^(requested|approved|declined|failed)$/)
})
