// Signing in to a protected MCP server, end to end: the tests' authorization server
// (oidc-provider), a protected MCP server verifying its JWTs, the built companion (`allowance
// daemon`) and bridges, Chromium through the login and consent pages, the OS keychain.
import { readFileSync } from 'node:fs'
import { afterAll, beforeAll, expect, test } from 'vitest'
import * as TokenStore from '../../main/auth/TokenStore.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { startDaemon, type Daemon } from '../helpers/companion.js'
import { browserStandIn, signInAt, startAuthServer, startProtectedServer, type AuthServer, type ProtectedServer } from '../helpers/oauth.js'
import { stopAll, temporaryHome } from '../helpers/processes.js'

let auth: AuthServer
let server: ProtectedServer
let daemon: Daemon
let browser: ReturnType<typeof browserStandIn>
const home = temporaryHome()

beforeAll(async () => {
  auth = await startAuthServer()
  server = await startProtectedServer(auth.issuer)
  browser = browserStandIn(home.home)
  daemon = await startDaemon(home.home, [], { ...process.env, ...browser.env })
})

afterAll(async () => {
  await stopAll()
  home.remove()
})

async function pendingSignIn(timeoutMs = 15_000): Promise<any> {
  for (const deadline = Date.now() + timeoutMs; Date.now() < deadline; await new Promise((resolve) => setTimeout(resolve, 50))) {
    const { body } = await daemon.api('GET', '/api/signins')
    if (body.length > 0) return body[0]
  }
  throw new Error(`no sign-in card; companion said:\n${daemon.stderr()}`)
}

test('first sign-in: one card naming the server, the browser through login and consent, then the call goes through', async () => {
  const connecting = hostWithBridge([server.url], home.home)
  const card = await pendingSignIn()
  expect(card).toMatchObject({ server: server.url, label: 'Protected test server', issuer: auth.issuer, hosts: ['test-host'], reason: 'first' })
  const opened = await daemon.api('POST', `/api/signins/${card.id}/open`)
  expect(opened.status).toBe(200)
  const url = await browser.next()
  expect(url).toBe(card.url)
  const page = await signInAt(url, 'alice')
  expect(page.text).toContain('Allowance is signed in to')
  const { client } = await connecting
  const result = await client.callTool({ name: 'whoami', arguments: {} })
  expect(result.content).toEqual([{ type: 'text', text: 'alice' }])
  await client.close()
  const stats = await auth.stats()
  expect(stats.registrations).toBe(1)
  expect(stats.grants.authorization_code).toBe(1)
  expect(stats.resources).toContain(server.url)
  const [entry] = TokenStore.signIns(home.home)
  expect(entry).toMatchObject({ server: server.url, issuer: auth.issuer, account: 'alice', store: 'keychain', refreshable: true })
  expect(readFileSync(TokenStore.indexPath(home.home), 'utf8')).not.toContain(stats.issued.access[0]!)
})
