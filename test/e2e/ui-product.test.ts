// The headless UI as a user checks it, in Chromium at the desktop size (1280×800) and the desktop
// app's popup size (420×700): a waiting payment is hard to miss (the title, the count, a browser
// notification, a countdown to the wait the user set), every answer says what it did with a link
// to its History row, the pause shows everywhere, first run says what to do, nothing overflows
// sideways, the queue is answered with the keyboard alone, and dark mode follows the system. With
// ALLOWANCE_SCREENSHOTS=1 the card (both sizes), History and Wallet screenshots go to docs/.
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import type { Page } from 'playwright-core'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Outcome from '../../main/approvals/Outcome.js'
import * as Budgets from '../../main/ledger/Budgets.js'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import { openPage, policyRefusals, screenshot, type Browser } from '../helpers/browser.js'
import { startDaemon } from '../helpers/companion.js'
import { temporaryHome } from '../helpers/processes.js'
import { autoApprove, startRig, type Rig } from './rig.js'

let rig: Rig
let browser: Browser
let page: Page
/** What the browser refused under the page's Content Security Policy. */
let refused: string[] = []

const desktop = { width: 1280, height: 800 }
const popup = { width: 420, height: 700 }
const card = () => page.getByRole('region', { name: /asks to pay/ })
const tabs = () => page.getByRole('navigation', { name: 'Views' })
/** A tab of the header, by its name (the Approvals tab's name goes on with the waiting count). */
const nav = (name: string) => tabs().getByRole('button', name === 'Approvals' ? { name: /^Approvals( \d+ waiting)?$/ } : { name, exact: true })
const report = (topic: string) => rig.client.callTool({ name: 'premium_report', arguments: { topic } }) as Promise<CallToolResult>
const server = () => `127.0.0.1:${rig.server.port}`
const outcome = () => page.getByRole('status').filter({ hasText: /^(Approved|Declined|Nobody)/ })
const waitingIds = async () => (await rig.daemon.api('GET', '/api/approvals')).body.map((entry: { paymentId: number }) => entry.paymentId) as number[]

/** How far the page scrolls sideways: nothing, when the layout holds. */
const sideways = (on: Page = page) => on.evaluate(() => document.documentElement.scrollWidth - document.documentElement.clientWidth)

/** The relative luminance (0 black … 1 white) of an element's computed colour property. */
const luminance = (selector: string, property: 'background-color' | 'color') =>
  page.evaluate(
    ([selector, property]) => {
      const [r, g, b] = getComputedStyle(document.querySelector(selector)!).getPropertyValue(property).match(/\d+(\.\d+)?/g)!.map(Number)
      const linear = (channel: number) => (channel / 255 <= 0.04045 ? channel / 255 / 12.92 : ((channel / 255 + 0.055) / 1.055) ** 2.4)
      return 0.2126 * linear(r!) + 0.7152 * linear(g!) + 0.0722 * linear(b!)
    },
    [selector, property] as const,
  )

/** Waits for the card of the next waiting payment and returns its payment id. */
async function asked(): Promise<number> {
  await card().waitFor({ timeout: 10_000 })
  return (await waitingIds())[0]!
}

beforeAll(async () => {
  rig = await startRig()
  rig.ledger((db) => Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: 5_000_000n, now: Date.now() }))
  browser = await openPage(rig.daemon.ui, desktop)
  page = browser.page
  refused = policyRefusals(page)
  await page.getByText('No payments are waiting for you.').waitFor()
}, 120_000)

afterAll(async () => {
  await browser?.close()
  await rig?.stop()
})

describe('first run', () => {
  it('says what to do next, each step with the screen that does it, at both sizes', async () => {
    const home = temporaryHome()
    const daemon = await startDaemon(home.home)
    const fresh = await openPage(daemon.ui, popup)
    try {
      const steps = fresh.page.getByRole('list', { name: 'Next steps' })
      await steps.waitFor()
      expect(await steps.getByRole('listitem').allInnerTexts()).toEqual([
        expect.stringMatching(/^Create a wallet \(or add a card\) to pay with\.\s*Open Wallet$/),
        expect.stringMatching(/^Route an agent host’s paid MCP server through Allowance\.\s*Open Servers$/),
        expect.stringMatching(/^Optionally, set a budget, or a rule that pays small amounts without asking\.\s*Open Rules & budgets$/),
      ])
      expect(await sideways(fresh.page)).toBe(0)
      await steps.getByRole('button', { name: 'Open Wallet' }).click()
      await fresh.page.getByText('There is no wallet yet.', { exact: false }).waitFor()
      await fresh.page.getByRole('button', { name: 'History', exact: true }).click()
      await fresh.page.getByText('No payments yet. When an agent asks to pay for a tool, the payment is listed here, whatever the answer.').waitFor()
      await fresh.page.setViewportSize(desktop)
      await fresh.page.getByRole('button', { name: 'Approvals', exact: true }).click()
      await steps.waitFor()
      expect(await steps.getByRole('button').allInnerTexts()).toEqual(['Open Wallet', 'Open Servers', 'Open Rules & budgets'])
      expect(await sideways(fresh.page)).toBe(0)
    } finally {
      await fresh.close()
      daemon.process.kill()
      home.remove()
    }
  })
})

describe('a waiting payment', () => {
  it('waits as long as the user set, counting down on the card; the title and the tab count it', async () => {
    const wait = page.getByLabel('Decline a payment nobody answers after')
    expect(await wait.inputValue()).toBe('60000')
    await wait.selectOption({ label: '5 minutes' })
    await page.getByRole('status').filter({ hasText: 'Payments now wait 5 minutes for you; then they are declined.' }).waitFor()
    expect((await rig.daemon.api('GET', '/api/settings')).body.approvalTimeout.ms).toBe(300_000)

    const call = report('counted')
    const paymentId = await asked()
    const [waiting] = (await rig.daemon.api('GET', '/api/approvals')).body
    expect(waiting.expiresAt - waiting.queuedAt).toBe(300_000)
    expect(await card().getByRole('timer').innerText()).toMatch(/^Declines in (4:5\d|5:00)$/)
    expect(await page.title()).toBe('(1) test-host asks to pay 0.25 USDC · Allowance')
    expect(await tabs().getByLabel('1 waiting').isVisible()).toBe(true)
    // Names, not ids: the host, the tool and the server as the user knows them.
    expect(await card().getByRole('heading').innerText()).toBe('test-host asks to pay')
    expect(await card().locator('dl.facts').innerText()).toContain(`${server()} · realm`)

    await card().getByRole('button', { name: 'Pay once' }).click()
    expect((await call).isError).toBeFalsy()
    await outcome().waitFor()
    expect(await outcome().innerText()).toBe(`Approved 0.25 USDC for tool premium_report on ${server()}: the agent’s call goes ahead.\nSee it in History`)
    expect(await page.title()).toBe('Allowance')
    expect(await tabs().getByLabel(/waiting/).count()).toBe(0)

    await outcome().getByRole('link', { name: 'See it in History' }).click()
    expect(await nav('History').getAttribute('aria-current')).toBe('page')
    const details = page.getByRole('dialog', { name: `Payment ${paymentId}` })
    await details.getByText('Receipt', { exact: true }).waitFor({ timeout: 15_000 })
    await page.keyboard.press('Escape')
    await details.waitFor({ state: 'detached' })
    await nav('Approvals').click()
  })

  it('Decline says what it declined; a payment nobody answers says it timed out', async () => {
    const declined = report('declined')
    await asked()
    await card().getByRole('button', { name: 'Decline' }).click()
    expect((await declined).isError).toBe(true)
    await outcome().filter({ hasText: `Declined 0.25 USDC for tool premium_report on ${server()}. The agent was told you declined.` }).waitFor()

    // A wait the UI does not offer, set as the CLI or a script would: the page shows it as it is.
    await rig.daemon.api('POST', '/api/settings', { approvalTimeoutMs: 5_000 })
    const wait = page.getByLabel('Decline a payment nobody answers after')
    await expect.poll(() => wait.inputValue()).toBe('5000')
    expect(await wait.locator('option:checked').innerText()).toBe('5 seconds')
    const ignored = report('ignored')
    await asked()
    expect(await card().getByRole('timer').innerText()).toMatch(/^Declines in 0:0[0-5]$/)
    expect((await ignored).isError).toBe(true)
    await outcome().filter({ hasText: `Nobody answered in time: 0.25 USDC for tool premium_report on ${server()} was declined.` }).waitFor()
    await wait.selectOption({ label: '5 minutes' })
    await page.getByRole('status').filter({ hasText: 'Payments now wait 5 minutes for you' }).waitFor()
  })

  it('notifies through the browser, with the user’s permission, while the page is out of sight', async () => {
    await browser.context.grantPermissions(['notifications'], { origin: rig.daemon.ui.origin })
    // Records each notification the page shows (it still shows it).
    await browser.context.addInitScript(() => {
      const Shown = class extends Notification {
        constructor(title: string, options?: NotificationOptions) {
          super(title, options)
          ;((window as unknown as { shown: string[] }).shown ??= []).push(`${title} | ${options?.body}`)
        }
      }
      window.Notification = Shown
    })
    await page.reload()
    await page.getByText('This browser notifies you of payments while this page is out of sight.').waitFor()

    // Another tab in front: this page loses the focus (Playwright lets every page keep it unless told not to).
    const other = await browser.context.newPage()
    await other.bringToFront()
    const devtools = await browser.context.newCDPSession(page)
    await devtools.send('Emulation.setFocusEmulationEnabled', { enabled: false })
    await expect.poll(() => page.evaluate(() => document.hasFocus())).toBe(false)
    const call = report('notified')
    await expect.poll(() => page.evaluate(() => (window as unknown as { shown?: string[] }).shown ?? [])).toEqual([`test-host asks to pay 0.25 USDC | tool premium_report on ${server()}`])
    await other.close()
    await devtools.send('Emulation.setFocusEmulationEnabled', { enabled: true })
    await devtools.detach()
    await page.bringToFront()
    await card().getByRole('button', { name: 'Decline' }).click()
    expect((await call).isError).toBe(true)
  })
})

describe('words people use', () => {
  const history = () => page.getByRole('table', { name: 'Payment history' })
  const rowOf = (id: number) => history().locator('tbody tr').filter({ has: page.getByRole('button', { name: `Details of payment ${id}`, exact: true }) })
  /** Opens a payment's Details and returns its text. */
  async function details(id: number): Promise<string> {
    await rowOf(id).getByRole('button', { name: 'Details' }).click()
    const dialog = page.getByRole('dialog', { name: `Payment ${id}` })
    await dialog.getByText('Decision', { exact: true }).waitFor()
    const text = await dialog.innerText()
    await page.keyboard.press('Escape')
    await dialog.waitFor({ state: 'detached' })
    return text
  }
  /** A computed style of the first element `selector` finds in the row of payment `id`. */
  const style = (id: number, selector: string, property: string) => rowOf(id).locator(selector).first().evaluate((element, property) => getComputedStyle(element).getPropertyValue(property), property)

  let rules: Rules.Rule[]
  let byRule: number
  let failed: number
  let unconfirmed: number

  beforeAll(async () => {
    // A payment a rule made, then one that failed on a bad server name and one no check could confirm.
    rules = autoApprove(rig, 250_000n, { upstream: rig.server.url, operation: 'tools/call', target: 'premium_report' })
    const paid = await report('by rule')
    expect(paid.isError).toBeFalsy()
    byRule = (paid._meta?.['allowance/payment'] as { paymentId: number }).paymentId
    await rig.outcome(byRule)
    const paidRow = rig.rows().find((row) => row.id === byRule)!
    ;[failed, unconfirmed] = rig.ledger((db) =>
      ['failed', 'unconfirmed'].map((topic) => {
        const now = Date.now()
        const details = { ...paidRow.details!, challengeId: `words-${topic}`, budgetAmount: 0n }
        return Payments.insert(db, { now, state: 'approved', context: paidRow, argumentsHash: topic, argumentsPreview: JSON.stringify({ topic }), details, decision: 'approved', decidedBy: 'human' })
      }),
    ) as [number, number]
    rig.ledger((db) => {
      Outcome.fail(db, failed, { error: 'getaddrinfo ENOTFOUND tools.example.invalid', now: Date.now() })
      Outcome.unconfirmed(db, unconfirmed, { error: 'no transaction was found', now: Date.now() })
    })
    await nav('History').click()
    await rowOf(unconfirmed).waitFor()
  })

  afterAll(async () => {
    rig.ledger((db) => rules.forEach((rule) => Rules.remove(db, rule.id, Date.now())))
    await nav('Approvals').click()
  })

  it('says who decided as a sentence, what paid by token and chain name, and the arguments as a list', async () => {
    const declined = rig.rows().find((row) => row.decidedBy === 'human' && row.declineReason === 'declined_by_user')!
    expect(await rowOf(declined.id).locator('td').nth(1).innerText()).toBe('declined\nyou declined')
    const declinedText = await details(declined.id)
    expect(declinedText).toMatch(/\nDecision\nYou declined at .+\n/)
    expect(declinedText).toContain('\nMethod\nUSDC on Local test chain\n')
    expect(declinedText).toMatch(/\nArguments\ntopic\s+(declined|notified|counted|keyboard first)\n/)

    const ruleText = await details(byRule)
    expect(ruleText).toMatch(new RegExp(`\\nDecision\\nYour rule: pay up to \\$0\\.25 a call for \`premium_report\` on 127\\.0\\.0\\.1:${rig.server.port} at .+\\n`))
    expect(ruleText).not.toMatch(/Chain \d+|rule:\d/)
  })

  it('shows times relative, the exact time on hover', async () => {
    const time = rowOf(byRule).locator('time')
    expect(await time.innerText()).toMatch(/^(now|\d+ seconds? ago|\d+ minutes? ago)$/)
    const createdAt = rig.rows().find((row) => row.id === byRule)!.createdAt
    expect(await time.getAttribute('title')).toBe(await page.evaluate((at) => new Date(at).toLocaleString(), createdAt))
    await nav('Servers').click()
    const recent = page.getByRole('table', { name: `Last payments to ${server()}` }).locator('tbody time').first()
    expect(await recent.innerText()).toMatch(/ago$|^now$/)
    expect(await recent.getAttribute('title')).toMatch(/\d/)
    await nav('History').click()
    await rowOf(byRule).waitFor()
  })

  it('right-aligns amounts in tabular figures', async () => {
    for (const cell of [rowOf(byRule).locator('td.money'), history().getByRole('columnheader', { name: 'Amount' })]) {
      expect(await cell.evaluate((element) => getComputedStyle(element).textAlign)).toBe('right')
      expect(await cell.evaluate((element) => getComputedStyle(element).fontVariantNumeric)).toBe('tabular-nums')
    }
  })

  it('sets failed and unconfirmed rows apart, and puts error codes in words', async () => {
    const paidColor = await style(byRule, 'td', 'color')
    expect(await style(failed, 'td', 'color')).not.toBe(paidColor)
    expect(await style(failed, 'td.money', 'text-decoration-line')).toBe('line-through')
    expect(await style(byRule, 'td.money', 'text-decoration-line')).toBe('none')
    expect(await style(unconfirmed, 'td', 'background-color')).not.toBe(await style(byRule, 'td', 'background-color'))
    expect(await rowOf(failed).locator('td').nth(1).innerText()).toBe("failed\nthe server's name could not be found (tools.example.invalid)")
    expect(await rowOf(unconfirmed).getByRole('alert').innerText()).toBe('⚠ no transaction was found')
    expect(await details(failed)).toContain("\nError\nthe server's name could not be found (tools.example.invalid)\n")
    expect(await page.locator('body').innerText()).not.toContain('ENOTFOUND')
  })

  it('labels today on the chart', async () => {
    const chart = page.getByRole('figure', { name: /^Daily spend per server/ })
    expect(await chart.locator('svg text.day').last().textContent()).toBe('Today')
    expect(await chart.getByRole('img').getAttribute('aria-label')).toMatch(/ to today, in US dollars$/)
    await chart.getByText('Daily spend as a table').click()
    expect(await chart.getByRole('table').getByRole('rowheader').last().innerText()).toBe('Today')
    await chart.getByText('Daily spend as a table').click()
  })
})

describe('paused', () => {
  it('shows in the header and on the Approvals screen, and resumes from there', async () => {
    await nav('Rules & budgets').click()
    await page.getByRole('button', { name: 'Pause payments' }).click()
    const badge = page.getByRole('banner').getByRole('button', { name: 'Paused' })
    await badge.waitFor()
    expect(await page.title()).toBe('Paused · Allowance')
    await badge.click()
    expect(await nav('Approvals').getAttribute('aria-current')).toBe('page')
    await page.getByText('Payments are paused: every payment is declined until you resume.').waitFor()
    await page.setViewportSize(popup)
    expect(await badge.isVisible()).toBe(true)
    expect(await sideways()).toBe(0)
    await page.setViewportSize(desktop)
    await page.getByRole('button', { name: 'Resume payments' }).click()
    await badge.waitFor({ state: 'detached' })
    expect(await page.getByText(/^Payments are (paused|on)/).count()).toBe(0)
  })
})

describe('keyboard only', () => {
  it('moves between the tabs with the arrows, the focus visible', async () => {
    // A fresh page: the first Tab reaches the first tab.
    await page.reload()
    await page.getByText('No payments are waiting for you.').waitFor()
    await page.keyboard.press('Tab')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approvals')
    await page.keyboard.press('ArrowRight')
    await page.keyboard.press('Enter')
    expect(await nav('History').getAttribute('aria-current')).toBe('page')
    expect(await nav('History').evaluate((button) => getComputedStyle(button).outlineStyle)).toBe('solid')
    await page.keyboard.press('End')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Servers')
    await page.keyboard.press('ArrowRight')
    expect(await page.evaluate(() => document.activeElement?.textContent)).toBe('Approvals')
    await page.keyboard.press('Enter')
  })

  it('picks the second of two waiting payments, pays it with Ctrl+Enter and declines the first with Esc', async () => {
    const first = report('keyboard first')
    await expect.poll(waitingIds).toHaveLength(1)
    const second = report('keyboard second')
    await page.getByText('2 payments waiting').waitFor({ timeout: 10_000 })
    const [firstId, secondId] = await waitingIds()
    expect(await page.title()).toBe('(2) 2 payments waiting · Allowance')
    const list = page.getByRole('navigation', { name: 'Waiting payments' })

    // From the card, back to the list, up to the first entry and down to the second.
    await card().focus()
    await page.keyboard.press('Shift+Tab') // Decline all
    await page.keyboard.press('Shift+Tab') // the last entry
    await page.keyboard.press('ArrowUp')
    await page.keyboard.press('ArrowDown')
    const focused = list.getByRole('button').nth(1)
    expect(await focused.evaluate((button) => button === document.activeElement && getComputedStyle(button).outlineStyle)).toBe('solid')
    await page.keyboard.press('Enter')
    await expect.poll(() => list.getByRole('button').nth(1).getAttribute('aria-current')).toBe('true')
    await expect.poll(() => card().evaluate((element) => element === document.activeElement)).toBe(true)

    await page.keyboard.press('Control+Enter')
    expect((await second).isError).toBeFalsy()
    await outcome().filter({ hasText: /^Approved/ }).waitFor()
    expect(await waitingIds()).toEqual([firstId])
    expect(rig.rows().find((row) => row.id === secondId)).toMatchObject({ decidedBy: 'human' })

    await expect.poll(() => card().evaluate((element) => element === document.activeElement)).toBe(true)
    await page.keyboard.press('Escape')
    expect((await first).isError).toBe(true)
    await outcome().filter({ hasText: /^Declined/ }).waitFor()
    expect(await waitingIds()).toEqual([])
  })
})

describe('layout', () => {
  for (const size of [desktop, popup]) {
    it(`holds at ${size.width}×${size.height} on every screen: no sideways scroll, the waiting count in view`, async () => {
      await page.setViewportSize(size)
      const call = report(`layout ${size.width}`)
      await nav('Approvals').click()
      await asked()
      const count = tabs().getByLabel('1 waiting')
      expect(await sideways()).toBe(0)
      // The card is in view: what it asks and its buttons, without scrolling sideways.
      const box = (await card().boundingBox())!
      expect(box.x).toBeGreaterThanOrEqual(0)
      expect(box.x + box.width).toBeLessThanOrEqual(size.width)
      expect(box.y).toBeLessThan(size.height / 2)
      const pay = (await card().getByRole('button', { name: 'Pay once' }).boundingBox())!
      expect(pay.y + pay.height).toBeLessThanOrEqual(size.height)
      // The last answer's notice (the test before left one) gives the new card its room.
      expect(await outcome().count()).toBe(0)
      await page.evaluate(() => (document.activeElement as HTMLElement | null)?.blur())
      await screenshot(size === desktop ? card() : page, size === desktop ? 'approval-card' : 'approval-card-popup')

      for (const [screen, ready] of [
        ['History', () => page.getByRole('table', { name: 'Payment history' }).waitFor()],
        ['Rules & budgets', () => page.getByRole('table', { name: 'Budgets' }).waitFor()],
        ['Wallet', () => page.getByRole('table', { name: 'Balances' }).waitFor()],
        ['Servers', () => page.getByText(server()).first().waitFor()],
      ] as const) {
        await nav(screen).click()
        await ready()
        // On failure, what sticks out (a table's cells scroll inside the table, and do not count).
        const sticking = await page.evaluate(() =>
          [...document.querySelectorAll('body *')].filter((element) => element.getBoundingClientRect().right > innerWidth && !element.closest('thead, tbody')).map((element) => `${element.tagName}.${element.className}`),
        )
        expect({ screen, sideways: await sideways(), sticking }).toEqual({ screen, sideways: 0, sticking })
        expect(await count.isVisible()).toBe(true)
        if (size === desktop && (screen === 'History' || screen === 'Wallet')) await screenshot(page, screen.toLowerCase())
      }
      await nav('Approvals').click()
      await card().getByRole('button', { name: 'Decline' }).click()
      expect((await call).isError).toBe(true)
    })
  }
})

describe('dark mode', () => {
  it('follows the system: dark ground and cards, light text; light again when the system is', async () => {
    await page.setViewportSize(desktop)
    await page.emulateMedia({ colorScheme: 'dark' })
    expect(await luminance(':root', 'background-color')).toBeLessThan(0.02)
    expect(await luminance('.top', 'background-color')).toBeLessThan(0.03)
    expect(await luminance(':root', 'color')).toBeGreaterThan(0.7)
    const call = report('dark')
    await asked()
    expect(await luminance('.card', 'background-color')).toBeLessThan(0.03)
    await screenshot(card(), 'approval-card-dark')
    await card().getByRole('button', { name: 'Decline' }).click()
    expect((await call).isError).toBe(true)

    await page.emulateMedia({ colorScheme: 'light' })
    expect(await luminance(':root', 'background-color')).toBeGreaterThan(0.85)
    expect(await luminance(':root', 'color')).toBeLessThan(0.05)
    expect(refused).toEqual([]) // icons and all, under the strict CSP
  })
})
