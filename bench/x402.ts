// x402 paid-call benchmark: what an x402 `exact` paid call costs on top of a free one, through
// Allowance (bridge + companion deciding by an auto-approve rule, signing with @x402/evm, ledger)
// beside the same call paid in-process by the x402 libraries' own client (`@x402/core`'s
// x402Client with `@x402/evm`'s exact scheme), wrapped around the MCP SDK client as x402's MCP
// binding says: call, read the PaymentRequired from the isError result, create the payload, call
// again with it in `_meta["x402/payment"]`. (`@x402/mcp`, which packages that wrapper, is not on
// the registry this project installs from.)
//
// Both paths pay the same x402 test server, whose local facilitator verifies and settles on anvil
// before it answers (x402's binding returns the settlement's transaction), so that work is inside
// both paths' paid calls alike. As in paid.ts, each path's settlement work is over before the next
// timed call: untimed, the bench waits for the transfer on chain and, for Allowance, for the
// companion's check to confirm the payment.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js'
import { x402Client } from '@x402/core/client'
import type { PaymentRequired } from '@x402/core/types'
import { registerExactEvmScheme } from '@x402/evm/exact/client'
import { accounts, startChain } from '../test/helpers/chain.js'
import { startX402Server } from '../test/helpers/x402.js'
import { fixed, overhead, overheadTable, settlementWaits, startAllowance, timedSideBySide, wholeCall } from './SideBySide.js'

const calls = Number(process.env.BENCH_PAID_CALLS ?? 200)
const warmup = 20

const chain = await startChain()
const server = await startX402Server(chain)

// Anchor: the host pays in-process with the x402 libraries' client.
const anchorClient = new Client({ name: 'bench-anchor', version: '1' })
await anchorClient.connect(new StreamableHTTPClientTransport(new URL(server.url)))
// The library's spend controls know only its default assets (USDC on public chains): the test token is allowed by name.
const payments = registerExactEvmScheme(new x402Client(), { signer: accounts.payer }).setSpendControls({ allowedAssets: true, maxAmountPerPayment: false })
async function anchorPaid(name: string, args: Record<string, unknown>): Promise<CallToolResult> {
  const first = (await anchorClient.callTool({ name, arguments: args })) as CallToolResult
  const required = first.isError ? (first.structuredContent as PaymentRequired | undefined) : undefined
  if (!required?.accepts) return first
  const payload = await payments.createPaymentPayload(required)
  return (await anchorClient.callTool({ name, arguments: args, _meta: { 'x402/payment': payload } })) as CallToolResult
}

// Allowance: host → bridge → server, the companion deciding by rule and signing.
const allowance = await startAllowance(chain, server.url)
const { client } = allowance
const waits = await settlementWaits(async () => (await chain.transfersFrom(chain.token, accounts.payer.address)).length, allowance.confirmed)

const check = (result: CallToolResult) => {
  if (result.isError || !result._meta?.['x402/payment-response']) throw new Error(`a paid call failed: ${JSON.stringify(result.content)}`)
}
const [anchor, ours] = await timedSideBySide([
  {
    free: (i) => anchorClient.callTool({ name: 'free_echo', arguments: { text: `a${i}` } }),
    paid: async (i) => check(await anchorPaid('search', { query: `a${i}` })),
    settled: waits.anchor,
  },
  {
    free: (i) => client.callTool({ name: 'free_echo', arguments: { text: `b${i}` } }),
    paid: async (i) => check((await client.callTool({ name: 'search', arguments: { query: `b${i}` } })) as CallToolResult),
    settled: waits.ours,
  },
], calls, warmup)
await anchorClient.close()
const paid = warmup + calls
const confirmed = allowance.confirmed()
await allowance.close()
await chain.stop()

console.log(`\nx402 paid call overhead: ${calls} paid and ${calls} free calls per path (after ${warmup} warm-up calls); the server settles before it answers, on both paths`)
console.log(overheadTable([['x402Client + ExactEvmScheme in-process (anchor)', anchor!], ['Allowance: bridge + companion, auto-approve rule', ours!]]))
console.log(`Allowance x402 paid-call overhead ${fixed(overhead(ours!))} ms; ratio to the anchor's ${fixed(overhead(ours!) / overhead(anchor!))} (target ≤ 1.00)`)
console.log(wholeCall(anchor!, ours!))
console.log(`${confirmed} of ${paid} x402 payments confirmed on chain by the companion's settlement checks`)
if (waits.unsettled()) console.log(`${waits.unsettled()} paid call(s) still had settlement work running when the bench went on`)
if (confirmed < paid) process.exitCode = 1
