// Signing in from the headless UI, in Chromium: a bridge's server wants a sign-in, the card on
// the Approvals screen names it and who asks, Sign in opens the system browser (the stand-in),
// the person logs in and consents in a second Chromium, the card goes and the call goes through;
// the Servers screen then shows who is signed in where, and signs out.
import { afterAll, expect, test } from 'vitest'
import { hostWithBridge } from '../helpers/bridge.js'
import { openPage, policyRefusals, screenshot } from '../helpers/browser.js'
import { signInAt } from '../helpers/oauth.js'
import { stopAll } from '../helpers/processes.js'
import { removeHomes, startOAuthRig } from './oauthRig.js'

afterAll(async () => {
  await stopAll()
  removeHomes()
}, 90_000)

test('the sign-in card on the page, Sign in through the browser, then the Servers screen signs out', async () => {
  const rig = await startOAuthRig()
  const ui = await openPage(rig.daemon.ui, { width: 1100, height: 1000 })
  const refused = policyRefusals(ui.page)
  try {
    const connecting = hostWithBridge([rig.server.url], rig.home)
    const card = ui.page.getByRole('region', { name: /asks you to sign in to/ })
    await card.waitFor({ timeout: 15_000 })
    expect(await card.getByRole('heading').innerText()).toBe('test-host asks you to sign in to Protected test server')
    const text = await card.innerText()
    expect(text).toContain(rig.server.url)
    expect(text).toContain(new URL(rig.auth.issuer).host)
    expect(text).toContain('the account you sign in with there')
    const pending = await rig.card()
    expect(await card.getByRole('link').getAttribute('href')).toBe(pending.url)
    await screenshot(card, 'sign-in-card')

    await card.getByRole('button', { name: 'Sign in', exact: true }).click()
    await card.getByRole('status').filter({ hasText: 'Your browser opens' }).waitFor({ timeout: 15_000 })
    const url = await rig.browser.next()
    expect(url).toBe(pending.url)
    await signInAt(url, 'grace')
    await card.waitFor({ state: 'detached', timeout: 15_000 })
    const { client } = await connecting
    expect((await client.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'grace' }])

    await ui.page.getByRole('navigation', { name: 'Views' }).getByRole('button', { name: 'Servers', exact: true }).click()
    const signedIn = ui.page.getByRole('table', { name: 'Servers signed in to' })
    await signedIn.waitFor({ timeout: 15_000 })
    await signedIn.getByRole('row').filter({ hasText: 'grace' }).waitFor({ timeout: 15_000 })
    // No token reaches the page.
    const html = await ui.page.content()
    for (const token of [...(await rig.auth.stats()).issued.access, ...(await rig.auth.stats()).issued.refresh]) expect(html).not.toContain(token.slice(-40))
    await signedIn.getByRole('button', { name: 'Sign out of Protected test server' }).click()
    await ui.page.getByRole('status').filter({ hasText: /Signed out of .*revoked the tokens/ }).waitFor({ timeout: 15_000 })
    await ui.page.getByText('Signed in nowhere yet').waitFor({ timeout: 15_000 })
    expect(refused).toEqual([])
    await client.close()
  } finally {
    await ui.close()
    await rig.stop()
  }
}, 120_000)

test('a card that comes while the page lists the cards stays; Not now on it: the agent reads one sentence, and the card is gone', async () => {
  const rig = await startOAuthRig()
  const ui = await openPage(rig.daemon.ui)
  try {
    // A second page, routed before it loads, so the list held below is its own first one.
    const page = await ui.context.newPage()
    const card = page.getByRole('region', { name: /asks you to sign in to/ })
    // The page lists the cards as it connects; the companion answers before any card exists, the
    // card comes on the event stream, and only then does that stale, empty list reach the page.
    let connecting: Promise<string> | undefined
    // Settled by the route below: with the page's wait for the stale list to arrive, or with what went wrong there.
    let stale!: { resolve(finished: Promise<unknown>): void; reject(error: unknown): void }
    const staleList = new Promise<Promise<unknown>>((resolve, reject) => (stale = { resolve, reject }))
    await page.route('**/api/signins', async (route) => {
      if (connecting) return route.continue()
      try {
        const listed = await route.fetch()
        expect(await listed.json()).toEqual([])
        connecting = hostWithBridge([rig.server.url], rig.home).then(
          () => 'connected',
          (error: Error) => error.message,
        )
        await card.waitFor({ timeout: 30_000 })
        stale.resolve(page.waitForEvent('requestfinished', { predicate: (request) => request.url().endsWith('/api/signins') }))
        await route.fulfill({ response: listed })
      } catch (error) {
        stale.reject(error)
        await route.abort().catch(() => {})
      }
    })
    await page.goto(String(rig.daemon.ui))
    await (await staleList)
    // The page has the stale list; two frames later React has drawn whatever it made of it.
    await page.evaluate(() => new Promise((resolve) => requestAnimationFrame(() => requestAnimationFrame(resolve))))
    expect(await card.count()).toBe(1)
    await card.getByRole('button', { name: 'Not now' }).click({ timeout: 5_000 })
    await card.waitFor({ state: 'detached', timeout: 15_000 })
    expect(await connecting).toMatch(/needs you to sign in, and you chose Not now in Allowance\. Sign in from Allowance \(Servers\) or with `allowance auth login http:\/\/127\.0\.0\.1:\d+\/mcp`, then try again\./)
  } finally {
    await ui.close()
    await rig.stop()
  }
}, 120_000)
