// Signed-in calls (issue 16): does a token the companion handed over cost anything per call? One
// bridge signed in through the companion (the tests' authorization server, Chromium through its
// login and consent pages), one given the very same token as a static `--header` (from its
// environment, never argv), both against the protected test server that verifies every token.
// Prints median and p99 latency of sequential tools/call, taken in alternating blocks so that the
// machine's load falls on both alike, and the ratio (target: no more than the static header).
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import { startDaemon } from '../test/helpers/companion.js'
import { browserStandIn, openSignIn, signInAt, startAuthServer, startProtectedServer } from '../test/helpers/oauth.js'
import { stopAll, temporaryHome } from '../test/helpers/processes.js'
import { median, percentile, table } from './stats.js'

const calls = Number(process.env.BENCH_CALLS ?? 2000)
const block = 100
const warmup = 200

const home = temporaryHome()
// No keychain outside the tests' D-Bus session: the tokens go to a file sealed with this.
const env = { ...(process.env as Record<string, string>), ALLOWANCE_HOME: home.home, ALLOWANCE_WALLET_PASSPHRASE: 'bench-passphrase' }

async function host(args: string[], extra: Record<string, string> = {}): Promise<Client> {
  const client = new Client({ name: 'bench-host', version: '1.0.0' })
  await client.connect(new StdioClientTransport({ command: process.execPath, args: ['dist/allowance.js', 'bridge', ...args], env: { ...env, ...extra }, stderr: 'ignore' }))
  return client
}

try {
  const auth = await startAuthServer()
  const server = await startProtectedServer(auth.issuer)
  const browser = browserStandIn(home.home)
  const daemon = await startDaemon(home.home, [], { ...env, ...browser.env })

  // The signed-in bridge: its first request waits for the sign-in, which the bench makes.
  const signingIn = host([server.url])
  await signInAt((await openSignIn(daemon, browser)).url, 'bench')
  const signedIn = await signingIn
  const token = (await auth.stats()).issued.access.at(-1)!
  const fixed = await host([server.url, '--header', 'Authorization: Bearer ${BENCH_TOKEN}'], { BENCH_TOKEN: token })

  const paths = [
    { name: 'token from the companion', client: signedIn, latencies: [] as number[] },
    { name: 'static Authorization header', client: fixed, latencies: [] as number[] },
  ]
  const call = (client: Client) => client.callTool({ name: 'echo', arguments: { text: 'bench' } })
  for (const path of paths) for (let i = 0; i < warmup; i++) await call(path.client)
  for (let done = 0; done < calls; done += block) {
    for (const path of paths) {
      for (let i = 0; i < block; i++) {
        const started = performance.now()
        await call(path.client)
        path.latencies.push(performance.now() - started)
      }
    }
  }
  const stats = await server.stats()
  const [oauth, header] = paths.map((path) => ({ median: median(path.latencies), p99: percentile(path.latencies, 99) }))
  console.log(`\nSigned-in calls: ${calls} sequential tools/call each, in alternating blocks of ${block}, on loopback`)
  console.log(
    table(
      ['path', 'median ms', 'p99 ms'],
      [
        [paths[0]!.name, oauth!.median.toFixed(3), oauth!.p99.toFixed(3)],
        [paths[1]!.name, header!.median.toFixed(3), header!.p99.toFixed(3)],
      ],
    ),
  )
  const ratio = oauth!.median / header!.median
  console.log(`ratio (token from the companion / static header), median: ${ratio.toFixed(3)} (target ≤ 1, within noise)`)
  console.log(`the server verified ${stats.authorized} calls and refused ${stats.unauthorized} (the signed-in bridge's first, before its sign-in)`)
  await signedIn.close()
  await fixed.close()
} finally {
  await stopAll()
  home.remove()
}
