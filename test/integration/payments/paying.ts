// Paying the test chain's paid server as the companion does (validate the challenge with the
// registry, sign with Signer), and the broken nodes the settlement checks must survive.
import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js'
import { McpError } from '@modelcontextprotocol/sdk/types.js'
import { randomBytes } from 'node:crypto'
import { createServer, type Server } from 'node:http'
import { Mppx, tempo } from 'mppx/server'
import { createClient, http, toHex, type Hex } from 'viem'
import { privateKeyToAccount } from 'viem/accounts'
import * as LocalChainModule from '../../../main/demo/LocalChain.js'
import * as Challenge from '../../../main/payments/Challenge.js'
import * as Signer from '../../../main/payments/Signer.js'
import * as TokenRegistry from '../../../main/payments/TokenRegistry.js'
import { accounts, keys, pathUsd, type LocalChain, type PaidServer } from '../../helpers/chain.js'

export const credentialKey = 'org.paymentauth/credential'
export const receiptKey = 'org.paymentauth/receipt'

export type Signed = { credential: Signer.Credential; payment: Challenge.Payment }

/** Validates `challenge` as the companion would and signs it with the payer's key. */
export async function sign(chain: LocalChain, challenge: unknown, tempoMode?: 'push' | 'pull'): Promise<Signed> {
  const registry = TokenRegistry.create({ tokens: [LocalChainModule.tokenEntry(chain)] })
  const result = Challenge.validate(challenge, { now: new Date(), registry })
  if (!result.ok) throw new Error(result.message)
  const { credential } = await Signer.sign({ challenge, payment: result.payment, account: accounts.payer, rpcUrl: chain.rpcUrl, tempoMode })
  return { credential, payment: result.payment }
}

/** An MCP client of the paid server that pays `search`. */
export async function connect(chain: LocalChain, server: PaidServer) {
  const client = new Client({ name: 'settlement-test', version: '1.0.0' })
  await client.connect(new StreamableHTTPClientTransport(new URL(server.url)))
  const search = (_meta?: Record<string, unknown>) => client.callTool({ name: 'search', arguments: { query: 'settlement' }, ...(_meta && { _meta }) })
  return {
    /** Asks for `search`, takes the server's `method` challenge and signs it; nothing is sent back. */
    async signed(method: 'evm' | 'tempo', tempoMode?: 'push' | 'pull'): Promise<Signed> {
      const error = await search().then(() => undefined, (caught: unknown) => caught)
      if (!(error instanceof McpError) || error.code !== -32042) throw new Error(`expected -32042, got ${String(error)}`)
      const challenges = (error.data as { challenges: { method: string }[] }).challenges
      return sign(chain, challenges.find((challenge) => challenge.method === method), tempoMode)
    },
    /** Retries `search` with the credential; the receipt's reference. */
    async send(credential: Signer.Credential): Promise<string | undefined> {
      const result = await search({ [credentialKey]: credential })
      return (result._meta?.[receiptKey] as { reference?: string } | undefined)?.reference
    },
    /** Signs and sends. */
    async paid(method: 'evm' | 'tempo', tempoMode?: 'push' | 'pull') {
      const signed = await this.signed(method, tempoMode)
      return { ...signed, reference: await this.send(signed.credential) }
    },
    close: () => client.close(),
  }
}

export function randomHash(): Hex {
  return toHex(randomBytes(32))
}

/**
 * A node on 127.0.0.1 that answers every request with JSON that is no JSON-RPC result (`garbage`),
 * HTTP 500 (`error`), or never (`silent`).
 */
export async function brokenNode(answer: 'garbage' | 'error' | 'silent'): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((request, response) => {
    request.resume()
    if (answer === 'silent') return
    if (answer === 'error') return void response.writeHead(500).end('internal error')
    response.writeHead(200, { 'content-type': 'application/json' }).end('{"jsonrpc":"2.0","id":1,"result":{"status":"0xzz","logs":[{"topics":7}]}}')
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  const { port } = server.address() as { port: number }
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => {
      server.closeAllConnections()
      return new Promise((resolve) => server.close(() => resolve()))
    },
  }
}

/** A JSON-RPC node on 127.0.0.1 that answers each method with the given result (null for the others). */
export async function stubNode(results: Record<string, unknown>): Promise<{ url: string; close(): Promise<void> }> {
  const server = createServer(async (request, response) => {
    let body = ''
    for await (const chunk of request) body += chunk
    const { id, method } = JSON.parse(body) as { id: number; method: string }
    response.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id, result: results[method] ?? null }))
  })
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve))
  return { url: `http://127.0.0.1:${(server.address() as { port: number }).port}`, close: () => new Promise((resolve) => server.close(() => resolve())) }
}

/**
 * An mppx tempo charge server (in process) that sponsors the fees: pull credentials are co-signed
 * by the relayer as fee payer before it broadcasts them.
 */
export function sponsoringServer(chain: LocalChain) {
  const client = createClient({ chain: chain.viemChain, transport: http(chain.rpcUrl) })
  const mppx = Mppx.create({
    methods: [tempo.charge({ currency: pathUsd, recipient: accounts.recipient.address, chainId: chain.chainId, feePayer: privateKeyToAccount(keys.relayer), getClient: () => client })],
    realm: 'sponsor.test.local',
    secretKey: 'sponsoring-test-server-secret-key-of-at-least-32-bytes',
  })
  return {
    challenge: () => mppx.challenge.tempo.charge({ amount: '0.01' }),
    /** Settles the credential; the receipt's reference. */
    settle: async (credential: Signer.Credential) => (await mppx.broadcastCredential(credential as never)).reference,
  }
}
