// The broker's small rules: which scopes to ask for, whom a sign-in acts as, how a server is named.
import { expect, test } from 'vitest'
import { accountOf, canonicalServer, scopesFor } from '../../../main/auth/Broker.js'
import * as Clients from '../../../main/auth/Clients.js'
import type * as Discovery from '../../../main/auth/Discovery.js'

const resource: Discovery.ProtectedResource = { resource: 'https://t.example/mcp', issuer: 'https://a.example', scopesSupported: ['read'] }
const as = { scopesSupported: ['openid', 'offline_access', 'profile'] } as Discovery.AuthorizationServer

test("the challenge's scopes first, else the metadata's; a refresh token and the account's name where the server has them", () => {
  expect(scopesFor({ challenge: ['files:write'], resource, as })).toEqual(['files:write', 'offline_access', 'openid'])
  expect(scopesFor({ resource, as: {} as Discovery.AuthorizationServer })).toEqual(['read'])
  // A step-up keeps what was granted before.
  expect(scopesFor({ challenge: ['write'], resource, as: {} as Discovery.AuthorizationServer, previous: ['read'] })).toEqual(['read', 'write'])
})

test('the account comes from an id token for this client from this issuer only', () => {
  const token = (claims: Record<string, unknown>) => `e30.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.sig`
  expect(accountOf(token({ iss: 'https://a.example', aud: 'c1', sub: 's1', email: 'ann@example.com' }), 'https://a.example', 'c1')).toBe('ann@example.com')
  expect(accountOf(token({ iss: 'https://a.example', aud: ['c1', 'x'], sub: 's1' }), 'https://a.example', 'c1')).toBe('s1')
  expect(accountOf(token({ iss: 'https://evil.example', aud: 'c1', sub: 's1' }), 'https://a.example', 'c1')).toBeUndefined()
  expect(accountOf(token({ iss: 'https://a.example', aud: 'c2', sub: 's1' }), 'https://a.example', 'c1')).toBeUndefined()
  expect(accountOf('garbage', 'https://a.example', 'c1')).toBeUndefined()
  expect(accountOf(undefined, 'https://a.example', 'c1')).toBeUndefined()
})

test('a server is named by its URL without fragment; anything else is refused', () => {
  expect(canonicalServer('https://T.example/mcp#x')).toBe('https://t.example/mcp')
  expect(() => canonicalServer('ftp://t.example')).toThrow(/not an http\(s\) server/)
  expect(() => canonicalServer('tools')).toThrow(/not a server URL/)
})

test("Allowance's client metadata document names its own URL and a loopback redirect on any port", () => {
  const url = 'https://allowance.example/oauth/client-metadata.json'
  expect(Clients.metadataDocument(url)).toMatchObject({ client_id: url, client_name: 'Allowance', redirect_uris: ['http://127.0.0.1/callback'], token_endpoint_auth_method: 'none', grant_types: ['authorization_code', 'refresh_token'] })
})
