// Session benchmark (issue 18): what a call paid inside an open tempo session costs on top of a free
// one (a voucher: the companion decides by rule, signs the next cumulative voucher and records it),
// beside a one-shot tempo charge through Allowance on the same chain (the companion signs and, in
// push mode, sends the transfer before the retry). Both paths are Allowance's: host → bridge →
// companion → server, with an auto-approve rule. The channel is opened (by the rule) before the
// timed calls; the charges' settlement checks run untimed between calls, as in bench/paid.ts.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { CallToolResultSchema, McpError, type JSONRPCResponse } from '@modelcontextprotocol/sdk/types.js'
import * as Payment from '../main/bridge/Payment.js'
import * as Home from '../main/shared/Home.js'
import type { PaymentDecision } from '../main/wire/Messages.js'
import { CompanionClient } from '../main/wire/Client.js'
import { pathUsd, startChain, startPaidServer, startSessionServer } from '../test/helpers/chain.js'
import { fixed, overhead, overheadTable, startAllowance, timedSideBySide, until } from './SideBySide.js'
import { median, percentile, table } from './stats.js'

const calls = Number(process.env.BENCH_SESSION_CALLS ?? 200)
const warmup = 20

const chain = await startChain({ variant: 'tempo' })
const charging = await startPaidServer(chain, { methods: ['tempo'] })
// A deposit that covers every call of the run at 0.01.
const selling = await startSessionServer(chain, { price: '0.01', suggestedDeposit: '5.00' })
const allowance = await startAllowance(chain, [charging.url, selling.url], {
  config: { tempoMode: 'push', escrows: { [chain.chainId]: chain.escrow } },
  ruleAmount: 5_000_000n,
})
const [charge, session] = allowance.clients as [typeof allowance.client, typeof allowance.client]
const ok = (result: Record<string, unknown>) => {
  if (result.isError) throw new Error(`a paid call failed: ${JSON.stringify(result.content)}`)
}
// The deposit, approved by the rule: the timed calls are vouchers only.
ok(await session.callTool({ name: 'metered', arguments: { n: -1 } }))
let charged = 0
let unsettled = 0

const [oneShot, voucher] = await timedSideBySide(
  [
    {
      free: (i) => charge.callTool({ name: 'free_echo', arguments: { text: `c${i}` } }),
      paid: async (i) => ok(await charge.callTool({ name: 'search', arguments: { query: `c${i}` } })),
      settled: async () => {
        charged++
        if (!(await until(() => allowance.confirmed(charging.url) >= charged, 10))) unsettled++
      },
    },
    {
      free: (i) => session.callTool({ name: 'free_echo', arguments: { text: `v${i}` } }),
      paid: async (i) => ok(await session.callTool({ name: 'metered', arguments: { n: i } })),
      settled: async () => {},
    },
  ],
  calls,
  warmup,
)

// The voucher path alone, as a bridge sees it: from its question to the companion (a session
// server's challenge) to the signed voucher in hand. The bench plays the bridge: it fetches each
// challenge, times the companion's answer, then (untimed) hands the voucher to the server and
// reports the receipt, as a bridge does.
const server = new Client({ name: 'bench-voucher-path', version: '1' })
await server.connect(new StreamableHTTPClientTransport(new URL(selling.url)))
const companion = new CompanionClient({ socketPath: Home.paths(allowance.home).socket, hello: { role: 'bridge', upstream: selling.url, pid: process.pid } })
const callParams = (n: number) => ({ name: 'metered', arguments: { n } })
const challengesFor = async (n: number): Promise<JSONRPCResponse> => {
  try {
    const result = await server.request({ method: 'tools/call', params: callParams(n) }, CallToolResultSchema)
    return { jsonrpc: '2.0', id: n, result }
  } catch (error) {
    if (!(error instanceof McpError)) throw error
    return { jsonrpc: '2.0', id: n, error: { code: error.code, message: error.message, data: error.data } } as JSONRPCResponse
  }
}
const decisions: number[] = []
for (let i = -warmup; i < calls; i++) {
  const n = 100_000 + i
  const offer = Payment.offerIn(await challengesFor(n))
  if (!offer) throw new Error('the session server asked for no payment')
  const started = performance.now()
  const decision = await companion.send<PaymentDecision>({
    type: 'payment.request',
    request: { host: { name: 'bench' }, upstream: selling.url, operation: 'tools/call', target: 'metered', arguments: { n }, challenges: offer.challenges, call: `bench-${n}` },
  }).result
  if (i >= 0) decisions.push(performance.now() - started)
  if (decision.kind !== 'approved') throw new Error(`the companion did not approve a voucher: ${decision.message}`)
  const retry = Payment.withCredential({ jsonrpc: '2.0', id: n, method: 'tools/call', params: callParams(n) }, String(n), decision.credential)
  const result = await server.request({ method: 'tools/call', params: retry.params as never }, CallToolResultSchema)
  const receipt = Payment.receiptFor({ jsonrpc: '2.0', id: n, result }, decision.credential.challenge as { id: string; method: string })
  if (!receipt.ok) throw new Error(`the server did not take the voucher: ${receipt.problem}`)
  await companion.request({ type: 'payment.outcome', paymentId: decision.paymentId, outcome: { status: 'accepted', receipt: receipt.receipt } })
}
companion.close()
await server.close()

const stats = await selling.stats()
// The one-shot charges' settlement checks ran between the timed calls: every charge must end confirmed by the chain.
const chargesConfirmed = allowance.confirmed(charging.url)
await allowance.close()
await chain.stop()

console.log(`\nSession voucher overhead: ${calls} paid and ${calls} free calls per path (after ${warmup} warm-up calls), pathUSD (${pathUsd}) on anvil's Tempo mode`)
console.log(overheadTable([['one-shot tempo charge (push), auto-approve rule (anchor)', oneShot!], ['voucher inside an open session, auto-approve rule', voucher!]]))
console.log(`Session call overhead ${fixed(overhead(voucher!))} ms, with the server's challenge round trip; ratio to the one-shot charge's ${fixed(overhead(voucher!) / overhead(oneShot!))}`)
console.log(`\nThe voucher path itself (${calls} calls after ${warmup} warm-up): a bridge's question to the companion, answered with a signed voucher`)
console.log(table(['path', 'median ms', 'p99 ms'], [['bridge → companion: decide by rule, sign the cumulative voucher, record it', fixed(median(decisions)), fixed(percentile(decisions, 99))]]))
console.log(`Voucher path ${fixed(median(decisions))} ms median (target ≤ 3 ms)`)
console.log(`The session server was paid ${stats.vouchers} vouchers after 1 open; ${chargesConfirmed} of ${charged} one-shot charges confirmed on chain by the companion's settlement checks`)
if (unsettled) console.log(`${unsettled} charge(s) still had settlement work running when the bench went on`)
if (chargesConfirmed < charged) process.exitCode = 1
