// The demo's paid MCP server (`allowance demo` starts it): `@modelcontextprotocol/sdk` + `mppx/server`,
// charging TestUSDC on the demo's local chain. Only what the demo's README steps use: one free tool
// and three priced ones. It prints nothing unless something fails.
//
//   node dist/demo/demoServer.js <port>     Streamable HTTP on 127.0.0.1:<port>/mcp
//
// Environment: RPC_URL, CHAIN_ID, TOKEN (the chain and its EIP-3009 TestUSDC), RECIPIENT (who is
// paid), RELAYER_KEY (submits the transfers), MPP_SECRET_KEY (HMAC key for challenge ids).
import type { RequestHandlerExtra } from '@modelcontextprotocol/sdk/shared/protocol.js'
import { Server } from '@modelcontextprotocol/sdk/server/index.js'
import { CallToolRequestSchema, ListToolsRequestSchema, McpError, type ServerNotification, type ServerRequest } from '@modelcontextprotocol/sdk/types.js'
import { Mppx, Transport } from 'mppx/server'
import type { Address, Hex } from 'viem'
import * as EvmCharge from './EvmCharge.js'
import * as McpHttp from './McpHttp.js'

type Extra = RequestHandlerExtra<ServerRequest, ServerNotification>
type Charge = (extra: Extra) => Promise<{ status: 402; challenge: McpError } | { status: 200; withReceipt<T>(result: T): T }>
type Text = { content: { type: 'text'; text: string }[] }

const text = (value: string): Text => ({ content: [{ type: 'text', text: value }] })

/** The tools, their prices in TestUSDC (none: free), and what each answers. */
const tools: { name: string; description: string; price?: string; argument?: string; answer(argument: string): string }[] = [
  { name: 'free_echo', description: 'Echoes its text back. Free.', argument: 'text', answer: (value) => value },
  { name: 'search', description: 'Searches the demo index. Costs 0.01 USDC.', price: '0.01', argument: 'query', answer: (query) => `results for ${query}: alpha, beta, gamma` },
  { name: 'premium_report', description: 'Writes a report. Costs 0.25 USDC.', price: '0.25', argument: 'topic', answer: (topic) => `report on ${topic || 'everything'}: all is well` },
  { name: 'expensive', description: 'Costs 5.00 USDC, more than any demo rule allows.', price: '5.00', answer: () => 'worth every cent' },
]

function required(name: string): string {
  const value = process.env[name]
  if (!value) throw new Error(`demo server: ${name} is not set`)
  return value
}

function charges(): Map<string, Charge> {
  const method = EvmCharge.create({
    rpcUrl: required('RPC_URL'),
    chainId: Number(required('CHAIN_ID')),
    token: required('TOKEN') as Address,
    recipient: required('RECIPIENT') as Address,
    relayerKey: required('RELAYER_KEY') as Hex,
  })
  const mppx = Mppx.create({ methods: [method], realm: 'demo.allowance.local', secretKey: required('MPP_SECRET_KEY'), transport: Transport.mcpSdk() })
  // MCP compose (not the `charge` shorthand, which composes for HTTP) answers with one -32042.
  const compose = mppx.compose as unknown as (...entries: [string, { amount: string; description: string }][]) => Charge
  return new Map(tools.flatMap((tool) => (tool.price ? [[tool.name, compose([`${method.name}/charge`, { amount: tool.price, description: tool.name }])] as const] : [])))
}

function createMcpServer(priced: Map<string, Charge>): Server {
  const server = new Server({ name: 'allowance-demo', version: '1.0.0' }, { capabilities: { tools: {}, experimental: { payment: { methods: { evm: { intents: ['charge'] } } } } } })
  server.setRequestHandler(ListToolsRequestSchema, async () => ({
    tools: tools.map(({ name, description, argument }) => ({
      name,
      description,
      inputSchema: { type: 'object' as const, properties: argument ? { [argument]: { type: 'string' } } : {} },
    })),
  }))
  server.setRequestHandler(CallToolRequestSchema, async (request, extra) => {
    const tool = tools.find((candidate) => candidate.name === request.params.name)
    if (!tool) throw new McpError(-32602, `unknown tool ${request.params.name}`)
    const argument = tool.argument ? String((request.params.arguments ?? {})[tool.argument] ?? '') : ''
    const charge = priced.get(tool.name)
    if (!charge) return text(tool.answer(argument))
    // Without a credential: the challenge. With one: mppx verifies and settles, then the receipt rides along.
    const result = await charge(extra)
    if (result.status === 402) throw result.challenge
    return result.withReceipt(text(tool.answer(argument)))
  })
  return server
}

const priced = charges()
await McpHttp.serve(Number(process.argv[2]), {
  create: () => createMcpServer(priced),
  onError: (error) => console.error(`demo server: ${error instanceof Error ? error.message : String(error)}`),
})
