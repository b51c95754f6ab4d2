import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core'

/** Debian's Chromium; a browser is never downloaded. */
const executablePath = '/usr/bin/chromium'

const args = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
]

export type Browser = { context: BrowserContext; page: Page; close(): Promise<void> }

/** Headless Chromium with a fresh profile (removed on close), one page open at `url`. */
export async function openPage(url: string | URL, options: { width?: number; height?: number } = {}): Promise<Browser> {
  const profile = mkdtempSync(join(tmpdir(), 'allowance-chromium-'))
  const context = await chromium.launchPersistentContext(profile, {
    executablePath,
    headless: true,
    args,
    viewport: { width: options.width ?? 1000, height: options.height ?? 900 },
  })
  try {
    const page = context.pages()[0] ?? (await context.newPage())
    await page.goto(String(url))
    return {
      context,
      page,
      async close() {
        await context.close()
        rmSync(profile, { recursive: true, force: true })
      },
    }
  } catch (error) {
    await context.close()
    rmSync(profile, { recursive: true, force: true })
    throw error
  }
}

/**
 * What the browser refuses on `page` under its Content Security Policy (an inline style, say),
 * gathered as it happens. Chromium says each refusal "Refused to …"; its notes on the policy
 * itself are not refusals.
 */
export function policyRefusals(page: Page): string[] {
  const refused: string[] = []
  page.on('console', (message) => {
    if (/^Refused to /.test(message.text())) refused.push(message.text())
  })
  return refused
}

/**
 * The companion's UI at `ui` in a new browser, once its first screen shows (no payment waiting), with
 * what the page's Content Security Policy refuses gathered from the start.
 */
export async function openApp(ui: URL, options: { width?: number; height?: number } = {}): Promise<Browser & { refused: string[] }> {
  const browser = await openPage(ui, options)
  const refused = policyRefusals(browser.page)
  await browser.page.getByText('No payments are waiting for you.').waitFor()
  return { ...browser, refused }
}

/**
 * Saves a screenshot to `docs/<name>.png` when `ALLOWANCE_SCREENSHOTS=1`, so that ordinary test runs
 * leave the committed images alone.
 */
export async function screenshot(target: Page | Locator, name: string): Promise<void> {
  if (process.env.ALLOWANCE_SCREENSHOTS === '1') await target.screenshot({ path: `docs/${name}.png` })
}
