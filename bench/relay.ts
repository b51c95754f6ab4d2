// Relay benchmark (issue 2): the bridge against a direct SDK client and against mcp-remote, from
// one run, on loopback. Prints median and p99 latency of 2,000 sequential tools/call, cold start
// to the initialize answer, and peak RSS, with the ratios against the targets in design.md.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { spawn } from 'node:child_process'
import { readFileSync } from 'node:fs'
import { createInterface } from 'node:readline'
import { freePort, start, stop, stopAll, temporaryHome, waitForHttp } from '../test/helpers/processes.js'
import { median, percentile, table } from './stats.js'

const calls = Number(process.env.BENCH_CALLS ?? 2000)
const warmup = 200
const coldRuns = 15

const home = temporaryHome()
const port = await freePort()
const upstream = `http://127.0.0.1:${port}/mcp`
start(process.execPath, ['dist/fixtures/servers/relayServer.js', 'http', String(port)])
await waitForHttp(`http://127.0.0.1:${port}/admin/stats`)

const commands = {
  bridge: [process.execPath, 'dist/allowance.js', 'bridge', upstream],
  mcpRemote: [process.execPath, 'node_modules/mcp-remote/dist/proxy.js', upstream, '--transport', 'http-only', '--silent'],
}
const env = { ...(process.env as Record<string, string>), ALLOWANCE_HOME: home.home, MCP_REMOTE_CONFIG_DIR: home.home }

type Run = { latencies: number[]; peakRssMb?: number }

async function measure(name: string, transport: Transport, pid?: () => number | null | undefined): Promise<Run> {
  const client = new Client({ name: 'bench-host', version: '1.0.0' })
  await client.connect(transport)
  const call = () => client.callTool({ name: 'echo', arguments: { text: 'benchmark payload' } })
  for (let i = 0; i < warmup; i++) await call()
  const latencies: number[] = []
  for (let i = 0; i < calls; i++) {
    const started = performance.now()
    await call()
    latencies.push(performance.now() - started)
  }
  const processId = pid?.()
  const peakRssMb = processId ? peakRss(processId) : undefined
  await client.close()
  process.stderr.write(`  ${name}: done\n`)
  return { latencies, peakRssMb }
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

process.stderr.write(`relay bench: ${calls} calls each, upstream ${upstream}\n`)
const direct = await measure('direct', new StreamableHTTPClientTransport(new URL(upstream)))
const bridgeTransport = stdioTransport(commands.bridge)
const bridge = await measure('bridge', bridgeTransport, () => bridgeTransport.pid)
const remoteTransport = stdioTransport(commands.mcpRemote)
const remote = await measure('mcp-remote', remoteTransport, () => remoteTransport.pid)

// Cold starts alternate between the two so that machine noise hits both alike.
const cold = { bridge: [] as number[], mcpRemote: [] as number[] }
for (let i = 0; i < coldRuns; i++) {
  cold.bridge.push(await coldStart(commands.bridge))
  cold.mcpRemote.push(await coldStart(commands.mcpRemote))
}
await stopAll()
home.remove()

const directMedian = median(direct.latencies)
const overhead = (run: Run) => median(run.latencies) - directMedian
const fixed = (value: number, digits = 3) => value.toFixed(digits)

console.log(`\nRelay latency: ${calls} sequential tools/call on loopback (after ${warmup} warm-up calls)`)
console.log(
  table(
    ['path', 'median ms', 'p99 ms', 'overhead vs direct (median)'],
    [
      ['direct SDK client (anchor)', fixed(directMedian), fixed(percentile(direct.latencies, 99)), '—'],
      ['allowance bridge', fixed(median(bridge.latencies)), fixed(percentile(bridge.latencies, 99)), `${fixed(overhead(bridge))} ms`],
      ['mcp-remote (anchor)', fixed(median(remote.latencies)), fixed(percentile(remote.latencies, 99)), `${fixed(overhead(remote))} ms`],
    ],
  ),
)
console.log(
  `bridge overhead ${fixed(overhead(bridge))} ms (target ≤ 0.300 ms); ratio to mcp-remote's overhead ${fixed(overhead(bridge) / overhead(remote), 2)} (target ≤ 0.50)`,
)

console.log(`\nCold start to the initialize answer (median of ${coldRuns})`)
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
console.log(`bridge ${fixed(bridge.peakRssMb ?? NaN, 1)} MB (target ≤ 60 MB); ratio to mcp-remote ${fixed((bridge.peakRssMb ?? NaN) / (remote.peakRssMb ?? NaN), 2)}`)
