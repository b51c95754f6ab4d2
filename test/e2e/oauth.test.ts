// Signing in to a protected MCP server, end to end: the tests' authorization server
// (oidc-provider), a protected MCP server verifying its JWTs, the built companion (`allowance
// daemon`) and bridges, Chromium through the login and consent pages, the OS keychain.
import { readFileSync } from 'node:fs'
import { afterAll, expect, test } from 'vitest'
import * as TokenStore from '../../main/auth/TokenStore.js'
import * as SecretStore from '../../main/wallet/SecretStore.js'
import { hostWithBridge, initializeRequest, rawBridge } from '../helpers/bridge.js'
import { cli } from '../helpers/cli.js'
import { signInAt } from '../helpers/oauth.js'
import { stop, stopAll } from '../helpers/processes.js'
import { keepOutput, removeHomes, secretsScan, snapshotProcesses, startOAuthRig } from './oauthRig.js'

afterAll(async () => {
  await stopAll()
  removeHomes()
})

const whoami = { name: 'whoami', arguments: {} }

test('first sign-in, then a restarted host and a restarted companion carry on without another', async () => {
  const rig = await startOAuthRig()
  try {
    const connecting = hostWithBridge([rig.server.url], rig.home)
    const card = await rig.card()
    expect(card).toMatchObject({ server: rig.server.url, label: 'Protected test server', issuer: rig.auth.issuer, hosts: ['test-host'], reason: 'first', account: null })
    expect(card.scopes).toEqual(expect.arrayContaining(['mcp:tools']))
    // Headless, the daemon also prints the link for a person at its terminal.
    expect(rig.daemon.stdout()).toContain(`Sign in to Protected test server (asked by test-host): open ${card.url}`)
    const opened = await rig.daemon.api('POST', `/api/signins/${card.id}/open`)
    expect(opened.body).toMatchObject({ url: card.url, opened: true })
    const url = await rig.browser.next()
    expect(url).toBe(card.url)
    const authorize = new URL(url)
    expect(Object.fromEntries(authorize.searchParams)).toMatchObject({ response_type: 'code', code_challenge_method: 'S256', resource: rig.server.url })
    expect(authorize.searchParams.get('redirect_uri')).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/callback$/)
    const page = await signInAt(url, 'alice')
    expect(page.text).toContain('Allowance is signed in to Protected test server as alice')
    snapshotProcesses()
    const first = await connecting
    keepOutput(first.stderr())
    expect((await first.client.callTool(whoami)).content).toEqual([{ type: 'text', text: 'alice' }])
    await first.client.close()

    const stats = await rig.auth.stats()
    expect(stats).toMatchObject({ registrations: 1, authorizations: 1, grants: { authorization_code: 1 } })
    expect(stats.resources).toEqual([rig.server.url])
    const [entry] = TokenStore.signIns(rig.home)
    expect(entry).toMatchObject({ server: rig.server.url, issuer: rig.auth.issuer, account: 'alice', store: 'keychain', refreshable: true, clientKind: 'registered' })
    expect(readFileSync(TokenStore.indexPath(rig.home), 'utf8')).not.toContain(stats.issued.access[0]!.slice(-40))
    // The loopback address was for that flow only.
    await expect(fetch(authorize.searchParams.get('redirect_uri')!)).rejects.toThrow()

    // The host restarts its bridge: the companion hands over the token it holds.
    const second = await hostWithBridge([rig.server.url], rig.home)
    expect((await second.client.callTool(whoami)).content).toEqual([{ type: 'text', text: 'alice' }])
    await second.client.close()
    // The companion restarts too: the token comes from the keychain.
    await rig.restartDaemon()
    const third = await hostWithBridge([rig.server.url], rig.home)
    expect((await third.client.callTool(whoami)).content).toEqual([{ type: 'text', text: 'alice' }])
    await third.client.close()
    expect(await rig.cards()).toEqual([])
    expect((await rig.auth.stats()).authorizations).toBe(1)

    const listed = await cli(rig.home, ['auth', 'list', '--json'])
    keepOutput(listed.stdout)
    expect(JSON.parse(listed.stdout)).toMatchObject([{ server: rig.server.url, issuer: rig.auth.issuer, account: 'alice', scopes: ['mcp:tools'], refreshable: true, store: 'keychain' }])
  } finally {
    await rig.stop()
  }
}, 120_000)

test('8 bridges starting at once: one sign-in, one consent, and every call goes through', async () => {
  const rig = await startOAuthRig()
  try {
    const hosts = Array.from({ length: 8 }, () => hostWithBridge([rig.server.url], rig.home))
    const card = await rig.card()
    // Every bridge has asked by the time the person answers: still one card.
    await new Promise((resolve) => setTimeout(resolve, 1500))
    expect(await rig.cards()).toHaveLength(1)
    const { text } = await rig.signIn('bob')
    expect(text).toContain('as bob')
    const connected = await Promise.all(hosts)
    const results = await Promise.all(connected.map(({ client }) => client.callTool(whoami)))
    expect(results.map((result) => result.content)).toEqual(Array(8).fill([{ type: 'text', text: 'bob' }]))
    const stats = await rig.auth.stats()
    expect(stats).toMatchObject({ registrations: 1, authorizations: 1, grants: { authorization_code: 1 } })
    expect(card.hosts).toEqual(['test-host'])
    snapshotProcesses()
    await Promise.all(connected.map(({ client }) => client.close()))
  } finally {
    await rig.stop()
  }
}, 120_000)

test('a bridge killed in the middle of the sign-in changes nothing: the next one joins it', async () => {
  const rig = await startOAuthRig()
  try {
    const doomed = rawBridge([rig.server.url], rig.home)
    doomed.send(initializeRequest(1))
    const card = await rig.card()
    await stop(doomed.child, 'SIGKILL')
    // The host starts another bridge: the same sign-in, no second card.
    const connecting = hostWithBridge([rig.server.url], rig.home)
    await new Promise((resolve) => setTimeout(resolve, 1000))
    expect((await rig.cards()).map((each) => each.id)).toEqual([card.id])
    await rig.signIn('carol')
    const { client } = await connecting
    expect((await client.callTool(whoami)).content).toEqual([{ type: 'text', text: 'carol' }])
    await client.close()
    expect((await rig.auth.stats()).authorizations).toBe(1)
  } finally {
    await rig.stop()
  }
}, 120_000)

test('an expired token is refreshed once for 8 bridges making 50 calls each', async () => {
  const rig = await startOAuthRig({ auth: { ACCESS_TTL: '15' } })
  try {
    const hosts = Array.from({ length: 8 }, () => hostWithBridge([rig.server.url], rig.home))
    await rig.signIn('dave')
    const connected = await Promise.all(hosts)
    const [entry] = TokenStore.signIns(rig.home)
    // Past its expiry: every bridge finds out on its next call.
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, entry!.expiresAt! - Date.now()) + 200))
    const started = Date.now()
    const answers = await Promise.all(
      connected.map(async ({ client }) => {
        const texts: string[] = []
        for (let call = 0; call < 50; call++) {
          const result = await client.callTool({ name: 'echo', arguments: { text: `call ${call}` } })
          texts.push((result.content as { text: string }[])[0]!.text)
        }
        return texts
      }),
    )
    const elapsed = Date.now() - started
    expect(answers.flat()).toHaveLength(400)
    expect(answers.every((texts) => texts.every((text, call) => text === `call ${call}`))).toBe(true)
    const stats = await rig.auth.stats()
    // The new token is renewed 3 s before it expires: calls spread over more than 12 s (a machine
    // far too loaded) would rightly renew it once more, and no more than that.
    if (elapsed < 11_000) expect(stats.grants.refresh_token).toBe(1)
    else expect(stats.grants.refresh_token).toBeLessThanOrEqual(1 + Math.ceil(elapsed / 12_000))
    expect(stats.authorizations).toBe(1)
    expect(await rig.cards()).toEqual([])
    await Promise.all(connected.map(({ client }) => client.close()))
  } finally {
    await rig.stop()
  }
}, 120_000)

test('a refresh token the server revoked: one new sign-in card for every bridge, then calls go on', async () => {
  const rig = await startOAuthRig({ auth: { ACCESS_TTL: '5' } })
  try {
    const hosts = Array.from({ length: 4 }, () => hostWithBridge([rig.server.url], rig.home))
    await rig.signIn('erin')
    const connected = await Promise.all(hosts)
    expect(await rig.auth.revokeRefresh()).toBe(1)
    const [entry] = TokenStore.signIns(rig.home)
    await new Promise((resolve) => setTimeout(resolve, Math.max(0, entry!.expiresAt! - Date.now()) + 200))
    const calls = connected.map(({ client }) => client.callTool(whoami))
    const card = await rig.card()
    expect(card).toMatchObject({ reason: 'expired', account: 'erin' })
    await new Promise((resolve) => setTimeout(resolve, 500))
    expect(await rig.cards()).toHaveLength(1)
    await rig.signIn('erin')
    const results = await Promise.all(calls)
    expect(results.map((result) => result.content)).toEqual(Array(4).fill([{ type: 'text', text: 'erin' }]))
    const stats = await rig.auth.stats()
    expect(stats.refreshFailures).toBe(1)
    expect(stats.authorizations).toBe(2)
    await Promise.all(connected.map(({ client }) => client.close()))
  } finally {
    await rig.stop()
  }
}, 120_000)

test('signing out revokes the tokens, forgets them, and the bridge stops sending them; Not now then gives the agent a sentence', async () => {
  const rig = await startOAuthRig()
  try {
    const connecting = hostWithBridge([rig.server.url], rig.home, {}, { ALLOWANCE_PROGRESS_INTERVAL_MS: '200' })
    await rig.signIn('frank')
    const { client } = await connecting
    expect((await client.callTool(whoami)).content).toEqual([{ type: 'text', text: 'frank' }])
    const [entry] = TokenStore.signIns(rig.home)

    const out = await cli(rig.home, ['auth', 'logout', rig.server.url])
    keepOutput(out.stdout + out.stderr)
    expect(out.stdout).toContain('Signed out of')
    expect(out.stdout).toContain('revoked the tokens')
    expect((await rig.auth.stats()).revocations).toBeGreaterThanOrEqual(1)
    expect(TokenStore.signIns(rig.home)).toEqual([])
    const name = `oauth-${(await import('node:crypto')).createHash('sha256').update(`${entry!.server}\n${entry!.issuer}`).digest('hex').slice(0, 16)}` as const
    expect(await SecretStore.keychain(rig.home, name).read()).toBeNull()

    // The bridge dropped its token: the next call asks for a sign-in, which the person declines.
    const before = (await rig.server.stats()).authorized
    // The host's call stays alive meanwhile, as for an approval.
    const progress: { message?: string }[] = []
    const call = client.callTool(whoami, undefined, { onprogress: (update) => progress.push(update), timeout: 60_000 })
    const card = await rig.card()
    expect(card.reason).toBe('first')
    await expect.poll(() => progress.length, { timeout: 15_000 }).toBeGreaterThan(1)
    expect(progress[0]!.message).toBe('Waiting for you to sign in, in Allowance')
    const dismissed = await rig.daemon.api('POST', `/api/signins/${card.id}/dismiss`)
    expect(dismissed.status).toBe(200)
    const result = await call
    expect(result.isError).toBe(true)
    expect((result.content as { text: string }[])[0]!.text).toMatch(/needs you to sign in, and you chose Not now in Allowance/)
    expect((await rig.server.stats()).authorized).toBe(before)
    // Asking again does not bring the card back at once.
    const again = await client.callTool(whoami)
    expect(again.isError).toBe(true)
    expect(await rig.cards()).toEqual([])
    await client.close()
  } finally {
    await rig.stop()
  }
}, 120_000)

test('after every run, no token is in the homes, the logs, the output or ps', async () => {
  const scan = await secretsScan([process.env.HOME ?? ''])
  expect(scan.tokens).toBeGreaterThan(2)
  expect(scan.files).toBeGreaterThan(10)
  expect(scan.found).toEqual([])
}, 120_000)
