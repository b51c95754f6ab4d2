// Paid-call benchmark (issue 4): what a paid call costs on top of a free one, through Allowance
// (bridge + companion deciding by an auto-approve rule, signing, ledger) beside the same call made
// in-process with mppx's `McpClient.wrap`. Settlement is excluded: the server settles instantly.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { evm } from 'mppx/client'
import { McpClient } from 'mppx/mcp/client'
import * as Rules from '../main/ledger/Rules.js'
import * as Wallet from '../main/wallet/Wallet.js'
import { hostWithBridge } from '../test/helpers/bridge.js'
import { accounts, keys, startChain, startPaidServer, writeSettings } from '../test/helpers/chain.js'
import { startDaemon, withLedger } from '../test/helpers/companion.js'
import { stopAll, temporaryHome } from '../test/helpers/processes.js'
import { median, percentile, table } from './stats.js'

const calls = Number(process.env.BENCH_PAID_CALLS ?? 200)
const warmup = 20

process.env.SETTLE = 'instant'
const chain = await startChain()
const server = await startPaidServer(chain, { methods: ['evm'] })

async function timed(call: (i: number) => Promise<unknown>): Promise<number[]> {
  for (let i = 0; i < warmup; i++) await call(-i - 1)
  const latencies: number[] = []
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    await call(i)
    latencies.push(performance.now() - started)
  }
  return latencies
}

// Anchor: the host itself pays in-process with mppx.
const anchorClient = new Client({ name: 'bench-anchor', version: '1' })
await anchorClient.connect(new StreamableHTTPClientTransport(new URL(server.url)))
McpClient.wrap(anchorClient, {
  methods: [evm.charge({ account: accounts.payer, authorization: { name: 'USD Coin', version: '2' }, networks: [chain.chainId], currencies: [chain.token] })],
})
const anchorFree = await timed((i) => anchorClient.callTool({ name: 'free_echo', arguments: { text: `a${i}` } }))
const anchorPaid = await timed((i) => anchorClient.callTool({ name: 'search', arguments: { query: `a${i}` } }))
await anchorClient.close()

// Allowance: host → bridge → server, the companion deciding by rule and signing.
const home = temporaryHome()
process.env.ALLOWANCE_WALLET_PASSPHRASE ??= 'bench-passphrase' // used only where no keychain answers
writeSettings(home.home, chain)
await Wallet.importKey(home.home, keys.payer, { passphrase: process.env.ALLOWANCE_WALLET_PASSPHRASE })
// Every call has its own arguments, so the loop breaker (same tool, same arguments) stays out of it.
withLedger(home.home, (db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 1_000_000n, now: Date.now() }))
await startDaemon(home.home)
const { client } = await hostWithBridge([server.url], home.home)
const oursFree = await timed((i) => client.callTool({ name: 'free_echo', arguments: { text: `b${i}` } }))
const oursPaid = await timed(async (i) => {
  const result = await client.callTool({ name: 'search', arguments: { query: `b${i}` } })
  if (result.isError) throw new Error(`a paid call failed: ${JSON.stringify(result.content)}`)
})
await client.close()
await stopAll()
await chain.stop()
home.remove()

const overhead = (paid: number[], free: number[]) => median(paid) - median(free)
const anchorOverhead = overhead(anchorPaid, anchorFree)
const oursOverhead = overhead(oursPaid, oursFree)
const fixed = (value: number) => value.toFixed(2)
console.log(`\nPaid call overhead: ${calls} paid and ${calls} free calls per path (after ${warmup} warm-up calls), settlement excluded`)
console.log(
  table(
    ['path', 'free median ms', 'paid median ms', 'paid p99 ms', 'paid − free (median) ms'],
    [
      ['mppx McpClient.wrap in-process (anchor)', fixed(median(anchorFree)), fixed(median(anchorPaid)), fixed(percentile(anchorPaid, 99)), fixed(anchorOverhead)],
      ['Allowance: bridge + companion, auto-approve rule', fixed(median(oursFree)), fixed(median(oursPaid)), fixed(percentile(oursPaid, 99)), fixed(oursOverhead)],
    ],
  ),
)
console.log(`Allowance paid-call overhead ${fixed(oursOverhead)} ms (target ≤ 10 ms); ratio to the anchor's ${fixed(oursOverhead / anchorOverhead)} (target ≤ 1.00)`)
