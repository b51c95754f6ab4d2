// A local chain per test file: anvil on 127.0.0.1 with the TestUSDC (EIP-3009) token deployed and
// minted to the payer, and the paid MCP test server settling on it. The `tempo` variant is anvil's
// Tempo mode, where pathUSD and the other TIP-20 precompiles exist and every dev account holds them.
import { parseAbiItem, type Address, type Chain as ViemChain, type Hex, type PublicClient } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import { writeFileSync } from 'node:fs'
import * as LocalChainModule from '../../main/demo/LocalChain.js'
import * as Home from '../../main/shared/Home.js'
import { freePort, start, startFixtureServer, stop } from './processes.js'

/** Keys of anvil's dev accounts (mnemonic "test test … junk"): #0 relays, #1 receives, #2 pays. */
export const keys = {
  ...LocalChainModule.devKeys,
  payer: '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a',
} as const satisfies Record<string, Hex>

export const accounts = {
  relayer: privateKeyToAccount(keys.relayer),
  recipient: privateKeyToAccount(keys.recipient),
  payer: privateKeyToAccount(keys.payer),
}

/** Tempo's pathUSD TIP-20 precompile (6 decimals). */
export const pathUsd: Address = '0x20c0000000000000000000000000000000000000'

const transfer = parseAbiItem('event Transfer(address indexed from, address indexed to, uint256 value)')

export type ChainVariant = 'evm' | 'tempo'

export type LocalChain = {
  variant: ChainVariant
  rpcUrl: string
  chainId: number
  /** The deployed TestUSDC ("USD Coin", version "2", 6 decimals). */
  token: Address
  /** `tempo` only: the deployed session escrow contract. */
  escrow?: Address | undefined
  viemChain: ViemChain
  client: PublicClient
  balanceOf(currency: Address, owner: Address): Promise<bigint>
  /** Every `Transfer` of `currency` out of `from` so far, oldest first. */
  transfersFrom(currency: Address, from: Address): Promise<{ to: Address; value: bigint }[]>
  stop(): Promise<void>
}

/** Starts anvil, deploys TestUSDC and mints `mint` atomic units (default 100.00) to the payer. */
export async function startChain(options: { variant?: ChainVariant; mint?: bigint } = {}): Promise<LocalChain> {
  const variant = options.variant ?? 'evm'
  const started = await LocalChainModule.start({
    variant,
    port: await freePort(),
    mint: [{ to: accounts.payer.address, amount: options.mint ?? 100_000_000n }],
    spawn: (command, args) => start(command, args),
  })
  const { rpcUrl, chainId, chain, client, token, escrow } = started
  const balanceOf = (currency: Address, owner: Address) => client.readContract({ address: currency, abi: LocalChainModule.tokenAbi, functionName: 'balanceOf', args: [owner] })
  const transfersFrom = async (currency: Address, from: Address) => {
    const logs = await client.getLogs({ address: currency, event: transfer, args: { from }, fromBlock: 0n })
    return logs.map(({ args }) => ({ to: args.to!, value: args.value! }))
  }
  return { variant, rpcUrl, chainId, token, ...(escrow && { escrow }), viemChain: chain, client, balanceOf, transfersFrom, stop: () => stop(started.process) }
}

export type PaidServerStats = {
  challenges: Record<string, number>
  paid: Record<string, number>
  receipts: number
  /** Every credential the server received, and the recipient its challenge named. */
  credentials: { target: string; recipient: string }[]
  failed: number
  refused: number
  references: Hex[]
  /** GETs of its discovery document. */
  discoveryReads: number
  /** The `source` of every identity proof it verified: `did:pkh:eip155:<chain>:<address>`. */
  proofs: string[]
  /** Every subscription credential it received: its payload type and the terms its challenge named. */
  subscriptions: { payload: string; request: Record<string, any> }[]
}

/** What the server's `/openapi.json` answers: none, its prices, every call at 0.01, JSON of another shape, not JSON, or over 1 MiB. */
export type DiscoveryMode = 'off' | 'honest' | 'lying' | 'malformed' | 'garbage' | 'huge'

export type PaidServer = {
  url: string
  port: number
  realm: string
  stats(): Promise<PaidServerStats>
  /**
   * `lie-receipt`: the next paid call's receipt names another challenge; `refuse-next`: -32043 for
   * the next credential; `drop-after-settle`: the next paid call settles, then its connection is
   * destroyed before the answer. Cheating a card: `refuse-and-keep`: -32043 for the next stripe
   * credential, whose token the server keeps for {@link PaidServer.chargeKept}; `capture-less`: the
   * next stripe credential settles for half the amount, with a normal receipt; `fake-receipt`: the
   * next credential gets a success receipt with a made-up reference, and nothing settles.
   */
  arm(action: 'lie-receipt' | 'refuse-next' | 'drop-after-settle' | 'refuse-and-keep' | 'capture-less' | 'fake-receipt'): Promise<void>
  /** Confirms a PaymentIntent with each token `refuse-and-keep` kept (then forgets them): what each attempt got. */
  chargeKept(): Promise<{ ok: boolean; amount?: number; error?: string }[]>
  /** The next `count` (1) priced calls, those with a credential if `credential`, get this error instead (default -32042); nothing settles. */
  answerNext(answer: { code?: number; message?: string; data: unknown; count?: number; credential?: boolean }): Promise<void>
  /** Changes what its discovery document says from now on. */
  setDiscovery(mode: DiscoveryMode): Promise<void>
  /** Changes the terms `pro_plan`'s subscription asks from now on (amount in display units). */
  setPlan(terms: { amount?: string; periodCount?: string; periodUnit?: 'day' | 'week' | 'dev_second' }): Promise<void>
  /** Changes a priced target's price (display units, "0.02") from now on: its challenges and its honest document. */
  setPrice(target: string, price: string): Promise<void>
  stop(): Promise<void>
}

/** What a test server sells with on `chain`: account #1 is paid, the relayer settles, `secretKey` binds its challenges. */
export function sellerEnv(chain: LocalChain, secretKey: string): Record<string, string> {
  return { RPC_URL: chain.rpcUrl, CHAIN_ID: String(chain.chainId), TOKEN: chain.token, RECIPIENT: accounts.recipient.address, RELAYER_KEY: keys.relayer, MPP_SECRET_KEY: secretKey }
}

/** The bundled paid MCP server (dist/fixtures/servers/paidServer.js) settling on `chain`; account #1 is paid. */
export async function startPaidServer(
  chain: LocalChain,
  options: startPaidServer.Options = {},
): Promise<PaidServer> {
  const realm = options.realm ?? 'paid.test.local'
  const env = {
    ...process.env,
    METHODS: (options.methods ?? [chain.variant]).join(','),
    ...sellerEnv(chain, 'paid-test-server-secret-key-of-at-least-32-bytes'),
    REALM: realm,
    TEMPO_MODES: (options.tempoModes ?? ['push']).join(','),
    RESPONSE: options.response ?? 'sse',
    ...(options.stripe && { STRIPE_API_BASE: options.stripe.apiBase, STRIPE_SECRET_KEY: options.stripe.secretKey }),
    DISCOVERY: options.discovery ?? 'off',
    ...options.env,
  }
  const { child, port, base } = await startFixtureServer('paid server', 'dist/fixtures/servers/paidServer.js', { env })
  return {
    url: `${base}/mcp`,
    port,
    realm,
    stats: () => fetch(`${base}/admin/stats`).then((response) => response.json() as Promise<PaidServerStats>),
    arm: (action) => fetch(`${base}/admin/${action}`, { method: 'POST' }).then((response) => void response.body?.cancel()),
    chargeKept: () => fetch(`${base}/admin/charge-kept`, { method: 'POST' }).then((response) => response.json() as ReturnType<PaidServer['chargeKept']>),
    answerNext: (answer) => fetch(`${base}/admin/challenge`, { method: 'POST', body: JSON.stringify(answer) }).then((response) => void response.body?.cancel()),
    setDiscovery: (mode) => fetch(`${base}/admin/discovery`, { method: 'POST', body: JSON.stringify({ mode }) }).then((response) => void response.body?.cancel()),
    setPlan: (terms) => fetch(`${base}/admin/subscription`, { method: 'POST', body: JSON.stringify(terms) }).then((response) => void response.body?.cancel()),
    setPrice: (target, price) => fetch(`${base}/admin/price`, { method: 'POST', body: JSON.stringify({ target, price }) }).then((response) => void response.body?.cancel()),
    stop: () => stop(child),
  }
}

export declare namespace startPaidServer {
  type Options = {
    methods?: ('evm' | 'tempo' | 'stripe')[]
    /** The seller's Stripe (the stand-in's URL) and key, for `stripe`. */
    stripe?: { apiBase: string; secretKey: string }
    realm?: string
    tempoModes?: ('pull' | 'push')[]
    /** How POSTs are answered: an event stream whose headers go out at once (default), or JSON sent whole. */
    response?: 'sse' | 'json'
    /** More of its environment: `ISSUER` puts it behind an OAuth bearer gate (test/fixtures/oauth/Bearer.ts). */
    env?: Record<string, string>
    /** What its `/openapi.json` answers (off: 404). */
    discovery?: DiscoveryMode
  }
}

/** A `settings.json` for `home` whose registry knows TestUSDC and whose RPC is the chain's. */
export function writeConfig(home: string, chain: LocalChain, extra: Record<string, unknown> = {}): void {
  const config = { tokens: [LocalChainModule.tokenEntry(chain)], rpc: { [chain.chainId]: chain.rpcUrl }, ...extra }
  writeFileSync(Home.paths(home).config, JSON.stringify(config))
}

export type SessionServerStats = {
  challenges: number
  opens: number
  vouchers: number
  paid: number
  refused: number
  /** Per channel id: the deposit the server knows, the highest voucher it holds, and its close transaction. */
  channels: Record<string, { payer: Address; deposit: string; cumulative: string; closed?: { transaction: Hex } }>
}

export type SessionServer = {
  url: string
  stats(): Promise<SessionServerStats>
  /** Closes every open channel on chain with the highest voucher held (the server ends its sessions). */
  closeAll(): Promise<Record<string, Hex | undefined>>
  /** Changes what the next challenges name: another recipient or escrow, another price per call (display units). */
  offer(change: { recipient?: Address; escrow?: Address; price?: string }): Promise<void>
  /** The next paid call with a credential loses its connection, before the server looks at it or after it verified it. */
  dropNext(when: 'before' | 'after'): Promise<void>
  /** The tail of its stderr (mppx logs why it refused a credential there). */
  log(): string
  stop(): Promise<void>
}

/** The bundled session-selling MCP server (dist/fixtures/servers/sessionServer.js) over `chain`'s escrow; account #1 is the payee. */
export async function startSessionServer(chain: LocalChain, options: { price?: string; suggestedDeposit?: string; cooperative?: boolean } = {}): Promise<SessionServer> {
  if (!chain.escrow) throw new Error('sessions need the tempo chain, which has the escrow deployed')
  const env = {
    ...process.env,
    RPC_URL: chain.rpcUrl,
    CHAIN_ID: String(chain.chainId),
    ESCROW: chain.escrow,
    RECIPIENT: accounts.recipient.address,
    RECIPIENT_KEY: keys.recipient,
    MPP_SECRET_KEY: 'session-test-server-secret-key-of-at-least-32-bytes',
    PRICE: options.price ?? '0.01',
    SUGGESTED_DEPOSIT: options.suggestedDeposit ?? '0.50',
    // A server that ignores close requests leaves the payer to withdraw after the grace period.
    COOPERATIVE: options.cooperative === false ? '0' : '1',
  }
  const { child, base, log } = await startFixtureServer('session server', 'dist/fixtures/servers/sessionServer.js', { env })
  const post = (path: string, body?: unknown) => fetch(`${base}${path}`, { method: 'POST', ...(body !== undefined && { body: JSON.stringify(body) }) })
  return {
    url: `${base}/mcp`,
    stats: () => fetch(`${base}/admin/stats`).then((response) => response.json() as Promise<SessionServerStats>),
    closeAll: () => post('/admin/close').then((response) => response.json() as Promise<Record<string, Hex | undefined>>),
    offer: (change) => post('/admin/offer', change).then((response) => void response.body?.cancel()),
    dropNext: (when) => post('/admin/drop-next', { when }).then((response) => void response.body?.cancel()),
    log,
    stop: () => stop(child),
  }
}
