// Relay benchmark (issues 2 and 15): the bridge against a direct client and against mcp-remote,
// from one run, on loopback, for an upstream of each MCP era: the repository's 2025-era relay
// server (direct: the SDK v1 client) and the SDK v2 test server in modern-only mode (direct: the
// SDK v2 client on 2026-07-28; mcp-remote with `--protocol auto`). Prints median and p99 latency of
// 2,000 sequential tools/call, cold start to the host's initialize answer (the era remembered from
// the run before), and peak RSS, with the ratios against the targets in design.md.
import { Client as ModernClient, StreamableHTTPClientTransport as ModernHttpTransport } from '@modelcontextprotocol/client'
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import * as Prices from '../main/ledger/Prices.js'
import { startDaemon, withLedger } from '../test/helpers/companion.js'
import { freePort, start, stop, stopAll, temporaryHome, waitForHttp } from '../test/helpers/processes.js'
import { median, percentile, table } from './stats.js'

const calls = Number(process.env.BENCH_CALLS ?? 2000)
const warmup = 200
const coldRuns = 15

const home = temporaryHome()
const env = { ...(process.env as Record<string, string>), ALLOWANCE_HOME: home.home, MCP_REMOTE_CONFIG_DIR: home.home }

type Run = { latencies: number[]; peakRssMb?: number }
/** What every path does the same way: one tools/call, and closing. */
type Connected = { call(): Promise<unknown>; close(): Promise<void> }

async function measure(name: string, connect: () => Promise<Connected>, pid?: () => number | null | undefined): Promise<Run> {
  const client = await connect()
  for (let i = 0; i < warmup; i++) await client.call()
  const latencies: number[] = []
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    await client.call()
    latencies.push(performance.now() - started)
  }
  const processId = pid?.()
  const peakRssMb = processId ? peakRss(processId) : undefined
  await client.close()
  process.stderr.write(`  ${name}: done\n`)
  return { latencies, peakRssMb }
}

/** A 2025-era host (the SDK v1 client) on `transport`, calling `echo` with `args`. */
function legacyHost(transport: StdioClientTransport | StreamableHTTPClientTransport, args: Record<string, unknown>): () => Promise<Connected> {
  return async () => {
    const client = new Client({ name: 'bench-host', version: '1.0.0' })
    await client.connect(transport)
    return { call: () => client.callTool({ name: 'echo', arguments: args }), close: () => client.close() }
  }
}

/** VmHWM: the process's peak resident set size, in MB. */
function peakRss(pid: number): number {
  const status = readFileSync(`/proc/${pid}/status`, 'utf8')
  return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) / 1024
}

function stdioTransport(command: string[]): StdioClientTransport {
  return new StdioClientTransport({ command: command[0]!, args: command.slice(1), env, stderr: 'ignore' })
}

/** Time from spawning the process to the answer of the host's initialize. */
async function coldStart(command: string[]): Promise<number> {
  const started = performance.now()
  const child = spawn(command[0]!, command.slice(1), { env, stdio: ['pipe', 'pipe', 'ignore'] })
  child.stdin.write(
    `${JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'bench', version: '1' } } })}\n`,
  )
  await new Promise<void>((resolve) => createInterface({ input: child.stdout }).once('line', () => resolve()))
  const elapsed = performance.now() - started
  await stop(child)
  return elapsed
}

const fixed = (value: number, digits = 3) => value.toFixed(digits)

/** One era's section: the three paths' latency, then cold starts alternating, then the tables. */
async function section(parameters: { title: string; upstream: string; direct: { label: string; connect: () => Promise<Connected> }; args: Record<string, unknown>; remoteFlags: string[] }) {
  const { title, upstream, direct: anchor, args } = parameters
  const commands = {
    bridge: [process.execPath, 'dist/allowance.js', 'bridge', upstream],
    mcpRemote: [process.execPath, 'node_modules/mcp-remote/dist/proxy.js', upstream, '--transport', 'http-only', ...parameters.remoteFlags, '--silent'],
  }
  process.stderr.write(`relay bench, ${title}: ${calls} calls each, upstream ${upstream}\n`)
  const direct = await measure('direct', anchor.connect)
  const bridgeTransport = stdioTransport(commands.bridge)
  const bridge = await measure('bridge', legacyHost(bridgeTransport, args), () => bridgeTransport.pid)
  const remoteTransport = stdioTransport(commands.mcpRemote)
  const remote = await measure('mcp-remote', legacyHost(remoteTransport, args), () => remoteTransport.pid)

  // Cold starts alternate between the two so that machine noise hits both alike; the bridge's
  // measured run above left the upstream's era in its memory, as any earlier run would.
  const cold = { bridge: [] as number[], mcpRemote: [] as number[] }
  for (let i = 0; i < coldRuns; i++) {
    cold.bridge.push(await coldStart(commands.bridge))
    cold.mcpRemote.push(await coldStart(commands.mcpRemote))
  }

  const directMedian = median(direct.latencies)
  const overhead = (run: Run) => median(run.latencies) - directMedian
  console.log(`\n## ${title}`)
  console.log(`\nRelay latency: ${calls} sequential tools/call on loopback (after ${warmup} warm-up calls)`)
  console.log(
    table(
      ['path', 'median ms', 'p99 ms', 'overhead vs direct (median)'],
      [
        [`${anchor.label} (anchor)`, fixed(directMedian), fixed(percentile(direct.latencies, 99)), '—'],
        ['allowance bridge', fixed(median(bridge.latencies)), fixed(percentile(bridge.latencies, 99)), `${fixed(overhead(bridge))} ms`],
        [`mcp-remote ${parameters.remoteFlags.join(' ')} (anchor)`.replace('  ', ' '), fixed(median(remote.latencies)), fixed(percentile(remote.latencies, 99)), `${fixed(overhead(remote))} ms`],
      ],
    ),
  )
  console.log(
    `bridge overhead ${fixed(overhead(bridge))} ms (target ≤ 0.300 ms); ratio to mcp-remote's overhead ${fixed(overhead(bridge) / overhead(remote), 2)} (target ≤ 0.50)`,
  )

  console.log(`\nCold start to the initialize answer, era remembered (median of ${coldRuns})`)
  const coldBridge = median(cold.bridge)
  const coldRemote = median(cold.mcpRemote)
  console.log(
    table(
      ['path', 'median ms', 'min ms', 'max ms'],
      [
        ['allowance bridge', fixed(coldBridge, 1), fixed(Math.min(...cold.bridge), 1), fixed(Math.max(...cold.bridge), 1)],
        ['mcp-remote (anchor)', fixed(coldRemote, 1), fixed(Math.min(...cold.mcpRemote), 1), fixed(Math.max(...cold.mcpRemote), 1)],
      ],
    ),
  )
  console.log(`bridge ${fixed(coldBridge, 1)} ms (target ≤ 150 ms); mcp-remote / bridge = ${fixed(coldRemote / coldBridge, 2)}× (target ≥ 3×)`)

  console.log(`\nPeak RSS over the ${calls + warmup}-call run`)
  console.log(
    table(
      ['path', 'peak RSS MB'],
      [
        ['allowance bridge', fixed(bridge.peakRssMb ?? NaN, 1)],
        ['mcp-remote (anchor)', fixed(remote.peakRssMb ?? NaN, 1)],
      ],
    ),
  )
  console.log(`bridge ${fixed(bridge.peakRssMb ?? NaN, 1)} MB (target ≤ 60 MB, aim 50); ratio to mcp-remote ${fixed((bridge.peakRssMb ?? NaN) / (remote.peakRssMb ?? NaN), 2)}`)
}

/** `RELAY_BENCH=lists` runs the tools/list section only. */
const only = process.env.RELAY_BENCH

const legacyPort = await freePort()
start(process.execPath, ['dist/fixtures/servers/relayServer.js', 'http', String(legacyPort)])
await waitForHttp(`http://127.0.0.1:${legacyPort}/admin/stats`)
const legacyUpstream = `http://127.0.0.1:${legacyPort}/mcp`
if (only !== 'lists') await section({
  title: '2025-era upstream (relay test server)',
  upstream: legacyUpstream,
  args: { text: 'benchmark payload' },
  direct: { label: 'direct SDK v1 client', connect: legacyHost(new StreamableHTTPClientTransport(new URL(legacyUpstream)), { text: 'benchmark payload' }) },
  remoteFlags: [],
})

const modernPort = await freePort()
if (only !== 'lists') start(process.execPath, ['dist/fixtures/servers/modernServer.js', 'modern', String(modernPort)])
if (only !== 'lists') await waitForHttp(`http://127.0.0.1:${modernPort}/admin/stats`)
const modernUpstream = `http://127.0.0.1:${modernPort}/mcp`
if (only !== 'lists') await section({
  title: 'modern-only upstream (SDK v2 server, MCP 2026-07-28)',
  upstream: modernUpstream,
  args: { message: 'benchmark payload' },
  direct: {
    label: 'direct SDK v2 client',
    async connect() {
      const client = new ModernClient({ name: 'bench-host', version: '1.0.0' }, { versionNegotiation: { mode: { pin: '2026-07-28' } } })
      await client.connect(new ModernHttpTransport(new URL(modernUpstream)))
      return { call: () => client.callTool({ name: 'echo', arguments: { message: 'benchmark payload' } }), close: () => client.close() }
    },
  },
  remoteFlags: ['--protocol', 'auto'],
})

/**
 * tools/list, 2,000 times: direct, through the bridge with no companion (the list goes out as it
 * came), and through the bridge with a running companion that knows a price for every listed tool
 * (each list waits for its notes, and goes out with them).
 */
async function listSection(upstream: string) {
  const annotated = temporaryHome()
  await startDaemon(annotated.home)
  const probe = new Client({ name: 'bench-probe', version: '1.0.0' })
  await probe.connect(new StreamableHTTPClientTransport(new URL(upstream)))
  const names = (await probe.listTools()).tools.map((tool) => tool.name)
  await probe.close()
  const usdc = { method: 'evm', intent: 'charge', currency: '8453:0x833589fcd6edb6e08f4c7c32d4f71b54bda02913', symbol: 'USDC', decimals: 6, budgetUnit: 'usd' }
  withLedger(annotated.home, (db) => {
    for (const name of names) Prices.learn(db, { upstream, operation: 'tools/call', target: name, source: 'challenge', ...usdc, amountAtomic: 10_000n, budgetAmount: 10_000n }, Date.now())
  })
  const lister = (transport: StdioClientTransport | StreamableHTTPClientTransport) => async (): Promise<Connected> => {
    const client = new Client({ name: 'bench-host', version: '1.0.0' })
    await client.connect(transport)
    return { call: () => client.listTools(), close: () => client.close() }
  }
  const bridgeIn = (dataHome: string) =>
    new StdioClientTransport({ command: process.execPath, args: ['dist/allowance.js', 'bridge', upstream], env: { ...env, ALLOWANCE_HOME: dataHome }, stderr: 'ignore' })
  process.stderr.write(`relay bench, tools/list: ${calls} lists each, upstream ${upstream}\n`)
  const direct = await measure('direct', lister(new StreamableHTTPClientTransport(new URL(upstream))))
  const plain = await measure('bridge, no companion', lister(bridgeIn(home.home)))
  // Check the notes are really there before timing them.
  const check = new Client({ name: 'bench-check', version: '1.0.0' })
  await check.connect(bridgeIn(annotated.home))
  const described = (await check.listTools()).tools.filter((tool) => tool.description?.includes('Costs about 0.01 USDC per call')).length
  await check.close()
  if (described !== names.length) throw new Error(`expected ${names.length} tools with their price, got ${described}`)
  const noted = await measure('bridge, prices appended', lister(bridgeIn(annotated.home)))

  const directMedian = median(direct.latencies)
  const overhead = (run: Run) => median(run.latencies) - directMedian
  console.log('\n## tools/list with known prices appended (2025-era upstream)')
  console.log(`\nRelay latency: ${calls} sequential tools/list of ${names.length} tools on loopback (after ${warmup} warm-up lists)`)
  console.log(
    table(
      ['path', 'median ms', 'p99 ms', 'overhead vs direct (median)'],
      [
        ['direct SDK v1 client (anchor)', fixed(directMedian), fixed(percentile(direct.latencies, 99)), '—'],
        ['allowance bridge, no companion', fixed(median(plain.latencies)), fixed(percentile(plain.latencies, 99)), `${fixed(overhead(plain))} ms`],
        ['allowance bridge, prices appended', fixed(median(noted.latencies)), fixed(percentile(noted.latencies, 99)), `${fixed(overhead(noted))} ms`],
      ],
    ),
  )
  console.log(
    `prices appended: overhead ${fixed(overhead(noted))} ms over direct (relay target ≤ 0.300 ms), ${fixed(overhead(noted) - overhead(plain))} ms for the companion's notes; p99 ${fixed(percentile(noted.latencies, 99))} ms (the notes' deadline is 100 ms)`,
  )
  await stopAll()
  annotated.remove()
}

await listSection(legacyUpstream)

await stopAll()
home.remove()
