// A server that wants both a token and a payment: the agent's call is signed in (OAuth, through
// the companion) and paid (MPP on anvil, under a rule) in one call, and the paid retry carries
// the token too.
import { afterAll, expect, test } from 'vitest'
import * as Payments from '../../main/ledger/Payments.js'
import * as Rules from '../../main/ledger/Rules.js'
import * as Wallet from '../../main/wallet/Wallet.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { accounts, keys, startChain, startPaidServer, writeConfig } from '../helpers/chain.js'
import { startDaemon, withLedger } from '../helpers/companion.js'
import { browserStandIn, openSignIn, signInAt, startAuthServer } from '../helpers/oauth.js'
import { stopAll, temporaryHome } from '../helpers/processes.js'

const home = temporaryHome()
afterAll(async () => {
  await stopAll()
  home.remove()
})

test('a token and a payment in one call', async () => {
  const chain = await startChain()
  try {
    const auth = await startAuthServer()
    const server = await startPaidServer(chain, { methods: ['evm'], env: { ISSUER: auth.issuer } })
    writeConfig(home.home, chain)
    await Wallet.importKey(home.home, keys.payer)
    withLedger(home.home, (db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream: server.url }, recipient: accounts.recipient.address, unit: 'usd', amount: 100_000n, now: Date.now() }))
    const browser = browserStandIn(home.home)
    const daemon = await startDaemon(home.home, [], { ...process.env, ...browser.env })
    const before = await chain.balanceOf(chain.token, accounts.recipient.address)

    const connecting = hostWithBridge([server.url], home.home)
    await signInAt((await openSignIn(daemon, browser)).url, 'judy')
    const { client } = await connecting

    const result = await client.callTool({ name: 'search', arguments: { query: 'signed in and paid' } })
    expect(result.isError).toBeFalsy()
    expect((result._meta as Record<string, { status: string }>)['allowance/payment']?.status).toBe('accepted')
    await expect.poll(() => withLedger(home.home, (db) => Payments.list(db)[0]?.state), { timeout: 15_000 }).toBe('confirmed')
    expect((await chain.balanceOf(chain.token, accounts.recipient.address)) - before).toBe(10_000n)
    const stats = (await server.stats()) as unknown as { auth: { authorized: number; subjects: Record<string, number> }; paid: Record<string, number> }
    // initialize, initialized, tools/call with its challenge, the paid retry: every one signed in.
    expect(stats.auth.subjects.judy).toBeGreaterThanOrEqual(3)
    expect(stats.paid.search).toBe(1)
    await client.close()
  } finally {
    await chain.stop()
  }
}, 120_000)
