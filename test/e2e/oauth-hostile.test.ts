// Signing in against servers that lie or fail: an answer from another authorization server
// (RFC 9207 iss), an answer with another state, an authorization server on plain http, metadata
// naming another server's resource, a token endpoint that hangs or answers garbage. Each is
// refused with one sentence to the agent, and nothing is stored.
import { existsSync, readFileSync } from 'node:fs'
import { afterAll, expect, test } from 'vitest'
import * as TokenStore from '../../main/auth/TokenStore.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { consentWithoutRedirect, signInAt } from '../helpers/oauth.js'
import { stopAll } from '../helpers/processes.js'
import { keepOutput, removeHomes, startOAuthRig, type OAuthRig } from './oauthRig.js'

afterAll(async () => {
  await stopAll()
  removeHomes()
})

/** The host's connection attempt, settled: the agent's sentence when it failed. */
function connect(rig: OAuthRig) {
  const started = Date.now()
  return hostWithBridge([rig.server.url], rig.home).then(
    (host) => ({ ok: true as const, host, ms: Date.now() - started }),
    (error: Error) => ({ ok: false as const, message: error.message, ms: Date.now() - started }),
  )
}

async function nothingStored(rig: OAuthRig): Promise<void> {
  expect(TokenStore.signIns(rig.home)).toEqual([])
  const index = TokenStore.indexPath(rig.home)
  const stats = await rig.auth.stats()
  if (existsSync(index)) for (const token of [...stats.issued.access, ...stats.issued.refresh]) expect(readFileSync(index, 'utf8')).not.toContain(token.slice(-40))
  expect((await rig.server.stats()).authorized).toBe(0)
}

test('an answer claiming another issuer (a mix-up) is refused before the code goes anywhere', async () => {
  const rig = await startOAuthRig()
  try {
    const connecting = connect(rig)
    const { url } = await rig.openSignIn()
    const redirect = await consentWithoutRedirect(url)
    expect(redirect.searchParams.get('iss')).toBe(rig.auth.issuer)
    redirect.searchParams.set('iss', 'https://attacker.example')
    const page = await fetch(redirect)
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('not from')
    const outcome = await connecting
    expect(outcome.ok).toBe(false)
    expect(outcome.ok || outcome.message).toMatch(/could not sign in to 127\.0\.0\.1:\d+: the answer says it comes from https:\/\/attacker\.example, not from http:\/\/127\.0\.0\.1:\d+.*Nothing was stored\./)
    // The code was never redeemed.
    expect((await rig.auth.stats()).grants.authorization_code ?? 0).toBe(0)
    await nothingStored(rig)
  } finally {
    await rig.stop()
  }
}, 120_000)

test('an answer with another state is ignored with a page saying so; the sign-in goes on waiting', async () => {
  const rig = await startOAuthRig()
  try {
    const connecting = connect(rig)
    const { card, url } = await rig.openSignIn()
    const redirect = await consentWithoutRedirect(url)
    const forged = new URL(redirect)
    forged.searchParams.set('state', 'forged-state')
    const page = await fetch(forged)
    expect(page.status).toBe(400)
    expect(await page.text()).toContain('does not belong to the sign-in Allowance started')
    expect((await rig.auth.stats()).grants.authorization_code ?? 0).toBe(0)
    await nothingStored(rig)
    expect((await rig.cards()).map((each) => each.id)).toEqual([card.id])
    // The person gives up: the agent hears one sentence.
    await rig.daemon.api('POST', `/api/signins/${card.id}/dismiss`)
    const outcome = await connecting
    expect(outcome.ok || outcome.message).toMatch(/needs you to sign in, and you chose Not now/)
    await nothingStored(rig)
  } finally {
    await rig.stop()
  }
}, 120_000)

test('an authorization server on plain http to another machine is refused without asking anyone', async () => {
  const rig = await startOAuthRig({ server: { PRM_AUTH_SERVER: 'http://auth.example.test' } })
  try {
    const outcome = await connect(rig)
    expect(outcome.ok || outcome.message).toMatch(/could not sign in to 127\.0\.0\.1:\d+: its authorization server http:\/\/auth\.example\.test is on plain http to another machine; Allowance signs in over https only/)
    expect(await rig.cards()).toEqual([])
    await nothingStored(rig)
  } finally {
    await rig.stop()
  }
}, 120_000)

test("resource metadata naming another server's resource is refused: its tokens are not for this server", async () => {
  const rig = await startOAuthRig({ server: { PRM_RESOURCE: 'https://mail.example.com/mcp' } })
  try {
    const outcome = await connect(rig)
    expect(outcome.ok || outcome.message).toMatch(/its protected-resource metadata is about another server \(https:\/\/mail\.example\.com\/mcp\)/)
    expect(await rig.cards()).toEqual([])
    expect((await rig.auth.stats()).authorizations).toBe(0)
    await nothingStored(rig)
  } finally {
    await rig.stop()
  }
}, 120_000)

test('a token endpoint that hangs: the person and the agent hear why within 60 s, nothing stored', async () => {
  const rig = await startOAuthRig()
  try {
    await rig.auth.tokenMode('hang')
    const connecting = connect(rig)
    const { url } = await rig.openSignIn()
    const redirect = await consentWithoutRedirect(url)
    const delivered = Date.now()
    const page = await fetch(redirect)
    expect(await page.text()).toContain('did not answer within 15 s')
    const outcome = await connecting
    expect(Date.now() - delivered).toBeLessThan(60_000)
    expect(outcome.ok || outcome.message).toMatch(/could not sign in to 127\.0\.0\.1:\d+: the token endpoint of 127\.0\.0\.1:\d+ did not answer within 15 s\. Nothing was stored\./)
    await nothingStored(rig)
  } finally {
    await rig.auth.tokenMode('normal')
    await rig.stop()
  }
}, 120_000)

test('a token endpoint that answers garbage is refused with a sentence, nothing stored', async () => {
  const rig = await startOAuthRig()
  try {
    await rig.auth.tokenMode('garbage')
    const connecting = connect(rig)
    const page = await rig.openSignIn().then(({ url }) => signInAt(url))
    expect(page.status).toBe(400)
    expect(page.text).toContain('answered with something that is not a token')
    const outcome = await connecting
    expect(outcome.ok || outcome.message).toMatch(/the token endpoint of 127\.0\.0\.1:\d+ answered with something that is not a token\. Nothing was stored\./)
    await nothingStored(rig)
    keepOutput(rig.daemon.stderr())
  } finally {
    await rig.stop()
  }
}, 120_000)
