// Approval card benchmark (issue 5): from a paid call's challenge to its approval card visible in
// the headless UI (Chromium), median of 20. The host calls a priced tool through the bridge with no
// rule, so the companion asks; the page notes when the card appears (at the next frame after it
// enters the DOM), and Esc declines it before the next call. The same call made directly to the
// server, without the bridge, times the challenge's own round trip, so the difference of the two
// medians is what Allowance adds between the challenge and the card.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { spawnSync } from 'node:child_process'
import * as Wallet from '../main/wallet/Wallet.js'
import { hostWithBridge } from '../test/helpers/bridge.js'
import { openPage } from '../test/helpers/browser.js'
import { keys, startChain, startPaidServer, writeConfig } from '../test/helpers/chain.js'
import { startDaemon } from '../test/helpers/companion.js'
import { stopAll, temporaryHome } from '../test/helpers/processes.js'
import { median, percentile, table } from './stats.js'

const runs = Number(process.env.BENCH_UI_RUNS ?? 20)
const warmup = 3
const target = 200

// `npm run bench` builds the CLI only; the page must be the current renderer.
const built = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], { stdio: 'inherit' })
if (built.status !== 0) process.exit(built.status ?? 1)

const chain = await startChain()
const server = await startPaidServer(chain, { methods: ['evm'] })
const home = temporaryHome()
process.env.ALLOWANCE_WALLET_PASSPHRASE ??= 'bench-passphrase' // used only where no keychain answers
writeConfig(home.home, chain)
await Wallet.importKey(home.home, keys.payer, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
const daemon = await startDaemon(home.home)
const { client } = await hostWithBridge([server.url], home.home)
const browser = await openPage(daemon.ui)
const { page } = browser

// Epoch milliseconds at the frame after each card appeared (performance clocks, as Node's below).
await page.evaluate(() => {
  const times: number[] = ((window as unknown as { cardTimes: number[] }).cardTimes = [])
  let shown = false
  new MutationObserver(() => {
    const present = document.querySelector('section.card') !== null
    if (present && !shown) requestAnimationFrame(() => times.push(performance.timeOrigin + performance.now()))
    shown = present
  }).observe(document.body, { childList: true, subtree: true })
})
const now = () => performance.timeOrigin + performance.now()

async function cardLatency(i: number): Promise<number> {
  const started = now()
  const call = client.callTool({ name: 'premium_report', arguments: { topic: `bench ${i}` } })
  await page.waitForFunction((count) => (window as unknown as { cardTimes: number[] }).cardTimes.length > count, i + warmup, { polling: 'raf' })
  const shownAt = await page.evaluate((index) => (window as unknown as { cardTimes: number[] }).cardTimes[index]!, i + warmup)
  await page.keyboard.press('Escape')
  const result = await call
  if (!result.isError) throw new Error('a benchmark call was paid')
  await page.waitForSelector('section.card', { state: 'detached' })
  return shownAt - started
}

const latencies: number[] = []
for (let i = -warmup; i < runs; i++) {
  const latency = await cardLatency(i)
  if (i >= 0) latencies.push(latency)
}

// The challenge's own round trip: the same call straight to the server, answered -32042.
const direct = new Client({ name: 'bench-direct', version: '1' })
await direct.connect(new StreamableHTTPClientTransport(new URL(server.url)))
const challenges: number[] = []
for (let i = -warmup; i < runs; i++) {
  const started = now()
  await direct.callTool({ name: 'premium_report', arguments: { topic: `direct ${i}` } }).catch(() => {})
  if (i >= 0) challenges.push(now() - started)
}
await direct.close()
await browser.close()
await client.close()
await stopAll()
await chain.stop()
home.remove()

const fixed = (value: number) => value.toFixed(1)
const added = median(latencies) - median(challenges)
console.log(`\nApproval card latency: ${runs} paid calls (after ${warmup} warm-up calls), headless Chromium, no rule (every call asks)`)
console.log(
  table(
    ['measure', 'median ms', 'p90 ms', 'max ms'],
    [
      ['tools/call → challenge back (direct to the server, anchor)', fixed(median(challenges)), fixed(percentile(challenges, 90)), fixed(Math.max(...challenges))],
      ['tools/call via the bridge → approval card visible', fixed(median(latencies)), fixed(percentile(latencies, 90)), fixed(Math.max(...latencies))],
      ['challenge received → card visible (difference of medians)', fixed(added), '—', '—'],
    ],
  ),
)
console.log(`challenge → card ${fixed(added)} ms median (target ≤ ${target} ms); ratio to the target ${(added / target).toFixed(2)}`)
