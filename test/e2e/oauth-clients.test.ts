// Who Allowance is to an authorization server: its Client ID Metadata Document where the server
// takes those (no registration), a client the person registered themselves and gave with
// `allowance auth login --oauth-client-id` (its secret from stdin into the keychain), and a
// sentence saying what to do where neither that nor registration is possible.
import { readFileSync } from 'node:fs'
import { afterAll, expect, test } from 'vitest'
import * as TokenStore from '../../main/auth/TokenStore.js'
import { hostWithBridge } from '../helpers/bridge.js'
import { cli } from '../helpers/cli.js'
import { signInAt } from '../helpers/oauth.js'
import { stopAll } from '../helpers/processes.js'
import { keepOutput, removeHomes, startOAuthRig } from './oauthRig.js'

afterAll(async () => {
  await stopAll()
  removeHomes()
})

const metadataUrl = 'https://allowance.example/oauth/client-metadata.json'

test("a server that takes client metadata documents gets Allowance's, and nothing is registered", async () => {
  const rig = await startOAuthRig({ auth: { CIMD_URL: metadataUrl }, settings: { oauth: { clientMetadataUrl: metadataUrl } } })
  try {
    const connecting = hostWithBridge([rig.server.url], rig.home)
    const { card } = await rig.signIn('heidi')
    expect(new URL(card.url).searchParams.get('client_id')).toBe(metadataUrl)
    const { client } = await connecting
    expect((await client.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'heidi' }])
    await client.close()
    const stats = await rig.auth.stats()
    expect(stats.registrations).toBe(0)
    expect(stats.clientIds).toEqual([metadataUrl])
    expect(TokenStore.signIns(rig.home)[0]).toMatchObject({ clientId: metadataUrl, clientKind: 'metadata-document' })
  } finally {
    await rig.stop()
  }
}, 120_000)

test('a client the person registered themselves: `auth login --oauth-client-id`, its secret from stdin into the keychain', async () => {
  const secret = 'static-client-secret-0123456789'
  const rig = await startOAuthRig({ auth: { STATIC_CLIENT: `my-allowance:${secret}`, NO_REGISTRATION: '1' } })
  try {
    // Without a client there is no way in, and the agent is told what to do.
    const refused = await hostWithBridge([rig.server.url], rig.home).then(
      () => 'connected',
      (error: Error) => error.message,
    )
    expect(refused).toMatch(/offers no way for Allowance to identify itself .* give its id with `allowance auth login http:\/\/127\.0\.0\.1:\d+\/mcp --oauth-client-id <id>`/)

    const login = cli(rig.home, ['auth', 'login', rig.server.url, '--oauth-client-id', 'my-allowance'], { input: `${secret}\n` })
    const url = await rig.browser.next()
    expect(new URL(url).searchParams.get('client_id')).toBe('my-allowance')
    await signInAt(url, 'ivan')
    const out = await login
    keepOutput(out.stdout + out.stderr)
    expect(out.code).toBe(0)
    expect(out.stdout).toContain(`Sign in to ${new URL(rig.server.url).host} in your browser. If it did not open, open this link:\n  ${url}`)
    expect(out.stdout).toContain('Signed in to')
    expect(out.stdout).toContain('as ivan')
    expect(readFileSync(TokenStore.indexPath(rig.home), 'utf8')).not.toContain(secret)
    expect(TokenStore.clients(rig.home)).toEqual([{ kind: 'static', server: rig.server.url, issuer: rig.auth.issuer, clientId: 'my-allowance', secret: true, store: 'keychain' }])

    const { client } = await hostWithBridge([rig.server.url], rig.home)
    expect((await client.callTool({ name: 'whoami', arguments: {} })).content).toEqual([{ type: 'text', text: 'ivan' }])
    await client.close()
    expect(TokenStore.signIns(rig.home)[0]).toMatchObject({ clientId: 'my-allowance', clientKind: 'static', authMethod: 'client_secret_basic' })
  } finally {
    await rig.stop()
  }
}, 120_000)
