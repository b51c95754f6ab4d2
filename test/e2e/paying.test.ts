// Paying end to end: an agent host (the SDK client) → the built bridge → a real mppx paid server
// settling on anvil, with a real companion deciding and signing with a keychain-held wallet.
import type { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { execFileSync, spawnSync } from 'node:child_process'
import { readdirSync, readFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Settings from '../../main/ledger/Settings.js'
import * as Home from '../../main/shared/Home.js'
import { bridgeBin, hostWithBridge } from '../helpers/bridge.js'
import { accounts, keys, startChain, startPaidServer, writeConfig, type LocalChain, type PaidServer } from '../helpers/chain.js'
import { startDaemon, withLedger, type Daemon } from '../helpers/companion.js'
import { stopAll, temporaryHome } from '../helpers/processes.js'

let chain: LocalChain
let server: PaidServer
let daemon: Daemon
let client: Client
const home = temporaryHome()

/** The CLI, run as a user would, in the test's data directory. */
function cli(args: string[], input?: string) {
  return spawnSync(process.execPath, [bridgeBin, ...args], { env: { ...process.env, ALLOWANCE_HOME: home.home }, input, encoding: 'utf8' })
}

const payer = () => chain.balanceOf(chain.token, accounts.payer.address)
const recipient = () => chain.balanceOf(chain.token, accounts.recipient.address)
const rows = () => withLedger(home.home, (db) => Payments.list(db).sort((a, b) => a.id - b.id))
/** The rows once every outcome is in (the bridge reports it right after answering the host). */
/** The rows once the bridge has reported and the settlement checks found what the chain shows (a refused credential stays `sent`). */
async function settledRows() {
  await expect.poll(() => rows().every((row) => !['requested', 'approved', 'signed', 'accepted'].includes(row.state))).toBe(true)
  return rows()
}

beforeAll(async () => {
  chain = await startChain()
  server = await startPaidServer(chain, { methods: ['evm'] })
  // The companion's registry learns the test token; its RPC is where balances are read.
  writeConfig(home.home, chain)
  const imported = cli(['wallet', 'import'], keys.payer)
  expect(imported.stderr).toBe('')
  expect(imported.stdout).toContain(`Imported wallet ${accounts.payer.address} (key in the OS keychain)`)
  withLedger(home.home, (db) => {
    const now = Date.now()
    Rules.add(db, { kind: 'auto_approve', scope: { upstream: server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 300_000n, now }) // up to $0.30 a call
    Settings.set(db, { approvalTimeoutMs: 3000 })
  })
  daemon = await startDaemon(home.home)
  ;({ client } = await hostWithBridge([server.url], home.home))
}, 120_000)

afterAll(async () => {
  await client?.close()
  await stopAll()
  await chain?.stop()
  home.remove()
})

describe('a priced tool under an auto-approve rule', () => {
  it('returns the result; exactly the price moves on chain; the ledger row is confirmed with the transaction the chain shows', async () => {
    const [payerBefore, recipientBefore] = [await payer(), await recipient()]
    const result = await client.callTool({ name: 'search', arguments: { query: 'weather in Lisbon' } })
    expect(result.isError).toBeFalsy()
    expect(JSON.stringify(result.content)).toContain('weather in Lisbon')
    expect(await payer()).toBe(payerBefore - 10_000n)
    expect(await recipient()).toBe(recipientBefore + 10_000n)

    const row = (await settledRows()).at(-1)!
    expect(row).toMatchObject({ state: 'confirmed', target: 'search', operation: 'tools/call', host: 'test-host', decidedBy: 'rule:1', settledAmountAtomic: 10_000n, fee: null })
    expect(row.receiptReference).toMatch(/^0x[0-9a-f]{64}$/)
    expect(row.transactionReference).toBe(row.receiptReference)
    expect((await chain.client.getTransactionReceipt({ hash: row.transactionReference as `0x${string}` })).status).toBe('success')
    // The agent hears the server accepted the payment; the chain's word comes after, off its path.
    expect(result._meta?.['allowance/payment']).toEqual({ status: 'accepted', paymentId: row.id, reference: row.receiptReference })
  })

  it('pays for a priced resource and a priced prompt the same way', async () => {
    const before = await payer()
    const resource = await client.readResource({ uri: 'paid://report/1' })
    expect(resource.contents.length).toBeGreaterThan(0)
    const prompt = await client.getPrompt({ name: 'paid_briefing' })
    expect(prompt.messages.length).toBeGreaterThan(0)
    expect(await payer()).toBe(before - 20_000n - 30_000n)
    expect((await settledRows()).slice(-2).map((row) => [row.operation, row.state])).toEqual([
      ['resources/read', 'confirmed'],
      ['prompts/get', 'confirmed'],
    ])
  })

  it('lets free calls through without the companion being asked', async () => {
    const count = rows().length
    expect((await client.callTool({ name: 'free_echo', arguments: { text: 'hi' } })).isError).toBeFalsy()
    expect(rows()).toHaveLength(count)
  })
})

describe('calls that are not paid', () => {
  it('declines above the rule after the approval times out: nothing moves, the agent gets the sentence', async () => {
    const before = await payer()
    const result = await client.callTool({ name: 'expensive', arguments: {} })
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([{ type: 'text', text: 'Payment of 5 USDC to 127.0.0.1:' + server.port + ' for `expensive` was declined: nobody approved it in time.' }])
    expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'declined', reason: 'timeout' })
    expect(await payer()).toBe(before)
  })

  it('declines everything while paused', async () => {
    expect(cli(['pause']).status).toBe(0)
    const before = await payer()
    const result = await client.callTool({ name: 'search', arguments: { query: 'x' } })
    expect(result.content).toEqual([{ type: 'text', text: expect.stringMatching(/^Payment of 0.01 USDC to .* for `search` was declined: payments are paused in Allowance\.$/) }])
    expect(await payer()).toBe(before)
    expect(cli(['resume']).status).toBe(0)
  })

  it('a resource that is not paid for answers with an error carrying the reason', async () => {
    expect(cli(['pause']).status).toBe(0)
    const error = await client.readResource({ uri: 'paid://report/2' }).catch((caught: Error & { code?: number; data?: unknown }) => caught)
    expect((error as { code?: number }).code).toBe(-32010)
    expect(String(error)).toMatch(/was declined: payments are paused/)
    expect(cli(['resume']).status).toBe(0)
  })
})

describe('a server that does not play fair', () => {
  it('a receipt for another challenge: the agent is told it is unconfirmed; the chain, which has the transfer, confirms it', async () => {
    const before = await payer()
    await server.arm('lie-receipt')
    const result = await client.callTool({ name: 'search', arguments: { query: 'lie' } })
    expect(result._meta?.['allowance/payment']).toMatchObject({ status: 'unconfirmed', reason: 'the receipt is for another challenge' })
    expect(await payer()).toBe(before - 10_000n)
    const { paymentId } = result._meta?.['allowance/payment'] as { paymentId: number }
    await expect.poll(() => rows().find((row) => row.id === paymentId)?.state).toBe('confirmed')
    const row = rows().find((candidate) => candidate.id === paymentId)!
    expect(row).toMatchObject({ state: 'confirmed', settledAmountAtomic: 10_000n, error: expect.stringMatching(/^The server did not accept the payment, but it was taken: 0x/) })
  })

  it('a credential refused with a fresh challenge is not paid again: the agent reads why, nothing moved, the refused one is watched', async () => {
    const before = await payer()
    await server.arm('refuse-next')
    const result = await client.callTool({ name: 'search', arguments: { query: 'refused once' } })
    expect(result.isError).toBe(true)
    expect(result.content).toEqual([
      { type: 'text', text: `Payment of 0.01 USDC to 127.0.0.1:${server.port} for \`search\` was declined: the server refused a payment it had already been sent; Allowance did not pay again.` },
    ])
    expect(await payer()).toBe(before)
    const [refused, again] = (await settledRows()).slice(-2)
    // The refused authorization stays usable until it expires: it holds its budget until then.
    expect(refused).toMatchObject({ state: 'sent', round: 1, decidedBy: 'rule:1' })
    expect(again).toMatchObject({ state: 'declined', declineReason: 'rechallenge', round: 2, previousPaymentId: refused!.id })
    expect((await server.stats()).refused).toBeGreaterThan(0)
  })

  it('a payment failure swallowed into a tool result is recorded and not retried; nothing moved', async () => {
    const before = await payer()
    const result = await client.callTool({ name: 'swallowed_failure', arguments: {} })
    expect(result.isError).toBe(true)
    expect(await payer()).toBe(before)
    expect((await settledRows()).at(-1)).toMatchObject({ state: 'sent', error: expect.stringMatching(/^the server reported: MCP error -32043/) })
  })
})

describe('secrets', () => {
  it('the key, signatures and credentials appear in no log, no database and no process list', async () => {
    const secrets = [keys.payer.slice(2), keys.payer.slice(2).toUpperCase()]
    const files = [Home.paths(home.home).database, `${Home.paths(home.home).database}-wal`, ...readdirSync(Home.paths(home.home).logs).map((name) => join(Home.paths(home.home).logs, name))]
    const everything = files.map((file) => { try { return readFileSync(file).toString('latin1') } catch { return '' } }).join('\n')
    for (const secret of secrets) expect(everything).not.toContain(secret)
    expect(everything).not.toContain('org.paymentauth/credential')
    expect(everything).not.toMatch(/"signature"\s*:\s*"0x[0-9a-f]{130}"/)
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    for (const secret of secrets) expect(processes).not.toContain(secret)
    // The database has no column that could hold one.
    const columns = withLedger(home.home, (db) => (db.prepare(`SELECT name FROM pragma_table_info('payments')`).pluck().all() as string[]).join(' '))
    expect(columns).not.toMatch(/credential|signature|secret|private|spt/)
    expect(daemon.stderr()).not.toContain(keys.payer.slice(2))
  })
})
