import { spawn, type ChildProcess } from 'node:child_process'
import { randomBytes } from 'node:crypto'
import { readFileSync, writeFileSync } from 'node:fs'
import { dirname, join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { privateKeyToAccount } from 'viem/accounts'
import * as Config from '../companion/Config.js'
import { answers } from '../companion/SocketServer.js'
import * as Database from '../ledger/Database.js'
import * as Rules from '../ledger/Rules.js'
import * as Home from '../shared/Home.js'
import { freePort } from '../shared/Net.js'
import * as Wallet from '../wallet/Wallet.js'
import * as LocalChain from './LocalChain.js'

const demoFunds = 100_000_000n // 100.00 TestUSDC
const demoRuleLimit = 50_000n // auto-approve up to $0.05 a call on the demo server

/**
 * `allowance demo`: a paid tool call working in a minute, without real money. Starts the companion
 * (unless one runs already), makes sure it can sign (creating the wallet if needed, and unlocking
 * a wallet kept in a file with the passphrase the person types), starts anvil with the demo
 * stablecoin, funds the wallet, starts the demo's paid MCP server, and prints the agent-host entry
 * to paste. Ctrl-C stops everything it started, and only that.
 */
export async function run(wallet: WalletAccess): Promise<number> {
  const home = Home.resolve()
  const paths = Home.paths(home)
  const config = Config.read(paths.config)
  if (config.problem) {
    console.error(`allowance: ${config.problem}. Fix it before running the demo, which adds to it.`)
    return 1
  }

  const started: ChildProcess[] = []
  const stopAll = () => started.forEach((child) => child.exitCode === null && child.kill('SIGTERM'))
  try {
    // The companion is up first: a passphrase typed for a new (or locked) wallet goes to it.
    const companionWasRunning = await answers(paths.socket)
    if (!companionWasRunning) {
      const companion = spawn(process.execPath, [cliPath(), 'daemon'], { stdio: ['ignore', 'inherit', 'inherit'], env: process.env })
      started.push(companion)
      await waitFor(() => answers(paths.socket), 15_000, 'the companion did not start', companion)
    }
    const existing = Wallet.info(home)
    if (existing) await wallet.ensureUnlocked(home)
    const address = existing?.address ?? (await wallet.save(home)).wallet.address

    console.log(`Starting a local chain and funding your wallet ${address} with 100 test USDC…`)
    const chain = await LocalChain.start({ port: await freePort(), mint: [{ to: address, amount: demoFunds }] })
    started.push(chain.process)

    const server = await startDemoServer(chain)
    started.push(server.process)
    // The companion picks the demo token up from settings.json.
    rememberDemoToken(paths.config, chain)
    const ruleAdded = addDemoRule(paths.database, server.url, demoRecipient)

    const entry = { mcpServers: { 'allowance-demo': { command: process.execPath, args: [cliPath(), 'bridge', server.url] } } }
    console.log(`
Demo paid MCP server: ${server.url}
  free_echo (free) · search (0.01 USDC) · premium_report (0.25 USDC) · expensive (5.00 USDC)
${ruleAdded ? 'Added a rule: pay the demo server automatically up to $0.05 a call (allowance rules list).\n' : ''}Calls above that wait for you in the Allowance UI ${companionWasRunning ? 'of the companion already running' : 'printed above'}.

Paste this into your agent host's MCP configuration (e.g. claude_desktop_config.json):
${JSON.stringify(entry, null, 2)}

Then ask the agent to use the "search" tool. Press Ctrl-C to stop the demo.`)

    await new Promise<void>((done) => {
      process.once('SIGINT', done)
      process.once('SIGTERM', done)
      for (const child of started) child.once('exit', done) // one of them failed: stop the rest
    })
    return 0
  } finally {
    stopAll()
  }
}

/**
 * How the demo reaches the wallet: the CLI's (`cli/WalletAccess.ts`), which asks the person for a
 * passphrase where there is no keychain and hands it to the running companion.
 */
export type WalletAccess = {
  save(home: string): Promise<{ wallet: Wallet.Info }>
  ensureUnlocked(home: string): Promise<unknown>
}

/** The demo's paid MCP server, bundled beside the CLI, settling on the demo chain. */
async function startDemoServer(chain: LocalChain.LocalChain): Promise<{ url: string; process: ChildProcess }> {
  const port = await freePort()
  const child = spawn(process.execPath, [join(dirname(cliPath()), 'demo', 'demoServer.js'), String(port)], {
    stdio: ['ignore', 'ignore', 'inherit'],
    // Only what it needs: never the user's environment, which may hold the wallet's passphrase.
    env: {
      PATH: process.env.PATH,
      RPC_URL: chain.rpcUrl,
      CHAIN_ID: String(chain.chainId),
      TOKEN: chain.token,
      RECIPIENT: demoRecipient,
      RELAYER_KEY: LocalChain.devKeys.relayer,
      MPP_SECRET_KEY: randomBytes(32).toString('hex'),
    },
  })
  const url = `http://127.0.0.1:${port}/mcp`
  await waitFor(
    () => fetch(url, { method: 'GET' }).then(() => true, () => false),
    15_000,
    'the demo paid server did not start',
    child,
  )
  return { url, process: child }
}

/** Adds the demo token and the chain's RPC to settings.json, keeping everything else in it. */
function rememberDemoToken(settingsPath: string, chain: LocalChain.LocalChain): void {
  let settings: Record<string, unknown> = {}
  try {
    settings = JSON.parse(readFileSync(settingsPath, 'utf8'))
  } catch {}
  const token = LocalChain.tokenEntry(chain)
  const others = ((settings.tokens as { chainId?: number; address?: string }[] | undefined) ?? []).filter(
    (entry) => !(entry.chainId === chain.chainId && entry.address?.toLowerCase() === chain.token.toLowerCase()),
  )
  settings.tokens = [...others, token]
  settings.rpc = { ...(settings.rpc as object | undefined), [chain.chainId]: chain.rpcUrl }
  writeFileSync(settingsPath, `${JSON.stringify(settings, null, 2)}\n`, { mode: 0o600 })
}

/** Who the demo's server asks to be paid: anvil's dev account #1. */
const demoRecipient = privateKeyToAccount(LocalChain.devKeys.recipient).address

function addDemoRule(databasePath: string, upstream: string, recipient: string): boolean {
  const db = Database.open(databasePath)
  try {
    const exists = Rules.list(db).some((rule) => rule.kind === 'auto_approve' && rule.upstream === upstream)
    // The demo's own server pays the demo's own recipient: the rule names it, so the first call needs no card.
    if (!exists) Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient, unit: 'usd', amount: demoRuleLimit, label: 'allowance demo', now: Date.now() })
    return !exists
  } finally {
    db.close()
  }
}

/** The CLI's own script, so the printed entry runs this very installation. */
function cliPath(): string {
  return resolve(process.argv[1] ?? join(dirname(fileURLToPath(import.meta.url)), '..', 'allowance.js'))
}

async function waitFor(check: () => Promise<boolean>, timeoutMs: number, failure: string, child?: ChildProcess): Promise<void> {
  const deadline = Date.now() + timeoutMs
  while (!(await check())) {
    if (child && child.exitCode !== null) throw new Error(`${failure} (it exited with code ${child.exitCode})`)
    if (Date.now() > deadline) throw new Error(`${failure} within ${timeoutMs / 1000} s`)
    await new Promise((wait) => setTimeout(wait, 100))
  }
}
