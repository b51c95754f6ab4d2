// Paid-call benchmark (issue 4): what a paid call costs on top of a free one, through Allowance
// (bridge + companion deciding by an auto-approve rule, signing, ledger) beside the same call made
// in-process with mppx's `McpClient.wrap`. Settlement is excluded: on both paths alike, the server
// answers first and submits the transfer just after, so the companion's settlement checks still
// find every payment on chain, as they would a real server's.
//
// Excluded means outside the timed calls, for both paths: after each paid call the bench waits,
// untimed, until the server's transfer is on chain and, for Allowance, until the companion's
// settlement check has confirmed the payment. Without that wait each path's settlement ran inside
// the other path's timed calls (the calls alternate): the server's transfer of one path's payment
// and the companion's checks of Allowance's landed in the next free call, so neither figure was
// what the design's table names (the anchor's free call measured 9.8 ms with the checks running
// beside it, 5.7 ms without). The checks themselves run as in use: the companion decides when.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { evm } from 'mppx/client'
import { McpClient } from 'mppx/mcp/client'
import { accounts, startChain, startPaidServer } from '../test/helpers/chain.js'
import { fixed, overhead, overheadTable, settlementWaits, startAllowance, timedSideBySide, wholeCall } from './SideBySide.js'

const calls = Number(process.env.BENCH_PAID_CALLS ?? 200)
const warmup = 20

process.env.SETTLE = 'background'
const chain = await startChain()
const server = await startPaidServer(chain, { methods: ['evm'] })


// Anchor: the host itself pays in-process with mppx.
const anchorClient = new Client({ name: 'bench-anchor', version: '1' })
await anchorClient.connect(new StreamableHTTPClientTransport(new URL(server.url)))
McpClient.wrap(anchorClient, {
  methods: [evm.charge({ account: accounts.payer, authorization: { name: 'USD Coin', version: '2' }, networks: [chain.chainId], currencies: [chain.token] })],
})

// Allowance: host → bridge → server, the companion deciding by rule and signing.
const allowance = await startAllowance(chain, server.url)
const { client } = allowance
const waits = await settlementWaits(() => chain.client.getTransactionCount({ address: accounts.relayer.address }), allowance.confirmed)

const [anchor, ours] = await timedSideBySide([
  {
    free: (i) => anchorClient.callTool({ name: 'free_echo', arguments: { text: `a${i}` } }),
    paid: (i) => anchorClient.callTool({ name: 'search', arguments: { query: `a${i}` } }),
    settled: waits.anchor,
  },
  {
    free: (i) => client.callTool({ name: 'free_echo', arguments: { text: `b${i}` } }),
    paid: async (i) => {
      const result = await client.callTool({ name: 'search', arguments: { query: `b${i}` } })
      if (result.isError) throw new Error(`a paid call failed: ${JSON.stringify(result.content)}`)
    },
    settled: waits.ours,
  },
], calls, warmup)
await anchorClient.close()
// The companion's settlement checks ran between the timed calls: every payment must end confirmed by the chain.
const paid = warmup + calls
const confirmed = allowance.confirmed()
await allowance.close()
await chain.stop()

const anchorOverhead = overhead(anchor!)
const oursOverhead = overhead(ours!)
console.log(`\nPaid call overhead: ${calls} paid and ${calls} free calls per path (after ${warmup} warm-up calls), settlement excluded`)
console.log(overheadTable([['mppx McpClient.wrap in-process (anchor)', anchor!], ['Allowance: bridge + companion, auto-approve rule', ours!]]))
console.log(`Allowance paid-call overhead ${fixed(oursOverhead)} ms (target ≤ 10 ms); ratio to the anchor's ${fixed(oursOverhead / anchorOverhead)} (target ≤ 1.00)`)
console.log(wholeCall(anchor!, ours!))
console.log(`${confirmed} of ${paid} payments confirmed on chain by the companion's settlement checks`)
if (waits.unsettled()) console.log(`${waits.unsettled()} paid call(s) still had settlement work running when the bench went on`)
if (confirmed < paid) process.exitCode = 1
