import { readFileSync } from 'node:fs'
import * as z from 'zod'
import * as Methods from '../payments/methods/Methods.js'
import * as TokenRegistry from '../payments/TokenRegistry.js'

/**
 * The user's configuration file, `settings.json` in ALLOWANCE_HOME: extra tokens for the
 * registry (a local test token, a chain the seed lacks) and RPC endpoints per chain. A missing
 * file is an empty configuration; a broken one is reported and ignored, never half-applied:
 * `problem` says what is wrong, and each caller says what it does instead. (The settings the UI
 * and CLI change, such as the pause, are the ledger's: ledger/Settings.ts.)
 */
const Token = z.strictObject({
  method: z.enum(['evm', 'tempo']),
  chainId: z.number().int().positive(),
  address: z.string(),
  symbol: z.string(),
  decimals: z.number().int(),
  usdPegged: z.boolean(),
  testnet: z.boolean(),
  eip712: z.strictObject({ name: z.string(), version: z.string() }).optional(),
})

const Method = z.enum(Methods.names)

const File = z.strictObject({
  tokens: z.array(Token).default([]),
  /** JSON-RPC URL per chain id, for balances and for methods that need a node (tempo). */
  rpc: z.record(z.string().regex(/^\d+$/), z.url()).default({}),
  /** Payment-channel escrow contracts to trust for tempo sessions, by chain id (a local chain's own deployment). */
  escrows: z.record(z.string().regex(/^\d+$/), z.string().regex(/^0x[0-9a-fA-F]{40}$/)).default({}),
  /** Tempo submission: `pull` lets the server broadcast (default); `push` broadcasts from here. */
  tempoMode: z.enum(['pull', 'push']).default('pull'),
  /** Which payment method wins when a server offers several. */
  methodPreference: z.array(Method).default([...Methods.names]),
  /** Per upstream (its URL or stdio command line, as the bridge was given it): a preference of its own. */
  servers: z.record(z.string(), z.strictObject({ methodPreference: z.array(Method).optional() })).default({}),
  /**
   * Signing in to servers: where Allowance's client metadata document is published (the client id
   * it uses with authorization servers that take those), or null to register with each instead.
   */
  oauth: z.strictObject({ clientMetadataUrl: z.url().startsWith('https://').nullable().optional() }).default({}),
  /** Where the card's Stripe API is (tests point it at a local stand-in). */
  stripe: z.strictObject({ apiBase: z.url().optional() }).default({}),
  /**
   * How long the companion looks for a payment the server accepted on chain (or at Stripe) before
   * it calls it unconfirmed, and the longest pause between two looks.
   */
  settlement: z
    .strictObject({
      timeoutSeconds: z.number().int().min(5).max(86_400).default(120),
      maxIntervalSeconds: z.number().min(0.1).max(600).default(15),
    })
    .default({ timeoutSeconds: 120, maxIntervalSeconds: 15 }),
  /** How often a server's payment discovery document is looked at again, at most (default 3 hours). */
  discovery: z.strictObject({ refreshSeconds: z.number().min(1).max(7 * 86_400).default(3 * 3600) }).default({ refreshSeconds: 3 * 3600 }),
  /** Tempo sessions: how long a channel stays open before the companion closes it (default a day). */
  sessions: z.strictObject({ expirySeconds: z.number().min(1).max(30 * 86_400).default(86_400) }).default({ expirySeconds: 86_400 }),
  /** How often the wallet's balances are checked against their warning thresholds, besides after each payment (default 10 minutes). */
  balances: z.strictObject({ checkSeconds: z.number().min(1).max(86_400).default(600) }).default({ checkSeconds: 600 }),
})

export type Config = Omit<z.infer<typeof File>, 'tokens'> & { tokens: TokenRegistry.TokenInput[]; problem?: string }

export function read(path: string): Config {
  let text: string
  try {
    text = readFileSync(path, 'utf8')
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'ENOENT') return defaults()
    return { ...defaults(), problem: `${path} could not be read: ${(error as Error).message}` }
  }
  let value: unknown
  try {
    value = JSON.parse(text)
  } catch (error) {
    return { ...defaults(), problem: `${path} is not valid JSON (${(error as Error).message})` }
  }
  const parsed = File.safeParse(value)
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!
    return { ...defaults(), problem: `${path}: ${issue.path.join('.') || 'the file'}: ${issue.message}` }
  }
  try {
    parsed.data.tokens.forEach((token) => TokenRegistry.toToken(token))
  } catch (error) {
    return { ...defaults(), problem: `${path}: ${(error as Error).message.replace(/\.$/, '')}` }
  }
  return parsed.data
}

/** The method preference for one upstream: its own, else the user's. */
export function methodPreference(config: Config, upstream: string): readonly string[] {
  return config.servers[upstream]?.methodPreference ?? config.methodPreference
}

function defaults(): Config {
  return File.parse({})
}
