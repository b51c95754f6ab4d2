// The signing-in path for one end-to-end test: the tests' authorization server, a protected MCP
// server trusting it, a fresh ALLOWANCE_HOME with a companion (`allowance daemon`) whose browser
// is a stand-in writing down the URLs it is asked to open, and helpers to play the person who
// signs in, in Chromium.
import { readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { execFileSync } from 'node:child_process'
import { startDaemon, type Daemon } from '../helpers/companion.js'
import { browserStandIn, openSignIn, signInAt, startAuthServer, startProtectedServer, type AuthServer, type ProtectedServer } from '../helpers/oauth.js'
import { stop, temporaryHome } from '../helpers/processes.js'

export type OAuthRig = {
  auth: AuthServer
  server: ProtectedServer
  home: string
  daemon: Daemon
  browser: ReturnType<typeof browserStandIn>
  /** The first sign-in card waiting, as the UI API lists it. */
  card(timeoutMs?: number): Promise<Card>
  /** Every sign-in card waiting. */
  cards(): Promise<Card[]>
  /** The person: waits for a card and presses Sign in; the URL the browser was sent to. */
  openSignIn(): Promise<{ card: Card; url: string }>
  /** The person: waits for a card, presses Sign in, logs in as `user` and consents. */
  signIn(user?: string): Promise<{ card: Card; text: string }>
  /** A new companion for the same home (the old one stopped first). */
  restartDaemon(): Promise<void>
  stop(): Promise<void>
}

export type Card = { id: number; server: string; label: string; issuer: string; account: string | null; reason: string; hosts: string[]; url: string; scopes: string[] }

export async function startOAuthRig(options: { auth?: Record<string, string>; server?: Record<string, string>; daemonEnv?: Record<string, string>; settings?: unknown } = {}): Promise<OAuthRig> {
  const home = temporaryHome()
  rigs.push(home.home)
  const auth = await startAuthServer(options.auth)
  authServers.push(auth)
  const server = await startProtectedServer(auth.issuer, options.server)
  const browser = browserStandIn(home.home)
  if (options.settings !== undefined) {
    writeFileSync(join(home.home, 'settings.json'), JSON.stringify(options.settings))
  }
  const environment = () => ({ ...process.env, ...browser.env, ...options.daemonEnv })
  const rig: OAuthRig = {
    auth,
    server,
    home: home.home,
    daemon: await startDaemon(home.home, [], environment()),
    browser,
    async card(timeoutMs = 30_000) {
      for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
        const cards = await rig.cards()
        if (cards.length > 0) return cards[0]!
      }
      throw new Error(`no sign-in card; the companion said:\n${rig.daemon.stderr()}`)
    },
    async cards() {
      const { body } = await rig.daemon.api('GET', '/api/signins')
      return body as Card[]
    },
    openSignIn: () => openSignIn<Card>(rig.daemon, browser),
    async signIn(user = 'alice') {
      const { card, url } = await rig.openSignIn()
      const page = await signInAt(url, user)
      return { card, text: page.text }
    },
    async restartDaemon() {
      await stop(rig.daemon.process)
      outputs.push(rig.daemon.stdout(), rig.daemon.stderr())
      rig.daemon = await startDaemon(home.home, [], environment())
    },
    async stop() {
      await collectTokens(auth)
      outputs.push(rig.daemon.stdout(), rig.daemon.stderr())
      await stop(rig.daemon.process)
      await server.stop()
      await auth.stop()
    },
  }
  return rig
}

/** Every rig's home, authorization server and process output, for the secrets scan. */
const rigs: string[] = []
const authServers: AuthServer[] = []
const issued = new Set<string>()

async function collectTokens(auth: AuthServer): Promise<void> {
  const stats = await auth.stats().catch(() => undefined)
  for (const token of [...(stats?.issued.access ?? []), ...(stats?.issued.refresh ?? [])]) issued.add(token)
}
const outputs: string[] = []
const psSnapshots: string[] = []

/** Removes every rig's home (after the secrets scan). */
export function removeHomes(): void {
  for (const home of rigs.splice(0)) rmSync(home, { recursive: true, force: true })
}

/** What `ps` shows of every process's command line now (kept for the secrets scan). */
export function snapshotProcesses(): void {
  psSnapshots.push(execFileSync('ps', ['-eo', 'pid,args', '--no-headers', '-ww'], { encoding: 'utf8' }))
}

/** Adds output a test captured (a bridge's stderr, a CLI's stdout) to the secrets scan. */
export function keepOutput(text: string): void {
  outputs.push(text)
}

/**
 * Every token the authorization servers issued, looked for in every file under the rigs' homes
 * (ledger, logs, settings, auth.json) and the test HOME (where the keyring keeps its encrypted
 * files), in the processes' output and in the `ps` snapshots. Resolves the places it was found.
 */
export async function secretsScan(extraDirectories: string[] = []): Promise<{ tokens: number; files: number; found: string[] }> {
  for (const auth of authServers) await collectTokens(auth)
  const tokens = issued
  const found: string[] = []
  let files = 0
  const scanText = (where: string, text: string) => {
    // A JWT's header is the same for every token: its signature is what is secret to each.
    for (const token of tokens) if (text.includes(token) || text.includes(token.slice(-40))) found.push(where)
  }
  const walk = (directory: string) => {
    let entries: string[]
    try {
      entries = readdirSync(directory)
    } catch {
      return
    }
    for (const name of entries) {
      const path = join(directory, name)
      let stats
      try {
        stats = statSync(path)
      } catch {
        continue
      }
      if (stats.isDirectory()) walk(path)
      else if (stats.isFile() && stats.size < 50 * 1024 * 1024) {
        files++
        scanText(path, readFileSync(path).toString('latin1'))
      }
    }
  }
  for (const directory of [...rigs, ...extraDirectories]) walk(directory)
  outputs.forEach((text, index) => scanText(`output #${index}`, text))
  snapshotProcesses()
  psSnapshots.forEach((text, index) => scanText(`ps snapshot #${index}`, text))
  return { tokens: tokens.size, files, found: [...new Set(found)] }
}
