// Session benchmark (issue 18): what a call paid inside an open tempo session costs on top of a free
// one (a voucher: the companion decides by rule, signs the next cumulative voucher and records it),
// beside a one-shot tempo charge through Allowance on the same chain (the companion signs and, in
// push mode, sends the transfer before the retry). Both paths are Allowance's: host → bridge →
// companion → server, with an auto-approve rule. The channel is opened (by the rule) before the
// timed calls; the charges' settlement checks run untimed between calls, as in bench/paid.ts.
import { pathUsd, startChain, startPaidServer, startSessionServer } from '../test/helpers/chain.js'
import { startAllowance, timedSideBySide, until } from './SideBySide.js'
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
        if (!(await until(() => allowance.confirmed() >= charged, 10))) unsettled++
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
const stats = await selling.stats()
await allowance.close()
await chain.stop()

const overhead = (paths: { paid: number[]; free: number[] }) => median(paths.paid) - median(paths.free)
const fixed = (value: number) => value.toFixed(2)
console.log(`\nSession voucher overhead: ${calls} paid and ${calls} free calls per path (after ${warmup} warm-up calls), pathUSD (${pathUsd}) on anvil's Tempo mode`)
console.log(
  table(
    ['path', 'free median ms', 'paid median ms', 'paid p99 ms', 'paid − free (median) ms'],
    [
      ['one-shot tempo charge (push), auto-approve rule (anchor)', fixed(median(oneShot!.free)), fixed(median(oneShot!.paid)), fixed(percentile(oneShot!.paid, 99)), fixed(overhead(oneShot!))],
      ['voucher inside an open session, auto-approve rule', fixed(median(voucher!.free)), fixed(median(voucher!.paid)), fixed(percentile(voucher!.paid, 99)), fixed(overhead(voucher!))],
    ],
  ),
)
console.log(`Voucher path overhead ${fixed(overhead(voucher!))} ms (target ≤ 3 ms); ratio to the one-shot charge's ${fixed(overhead(voucher!) / overhead(oneShot!))}`)
console.log(`The server was paid ${stats.vouchers} vouchers after 1 open; ${charged} charges confirmed on chain`)
if (unsettled) console.log(`${unsettled} charge(s) still had settlement work running when the bench went on`)
