// What a server's and an authorization server's metadata must say before Allowance believes them.
import { expect, test } from 'vitest'
import * as Discovery from '../../../main/auth/Discovery.js'

const server = new URL('https://tools.example.com/mcp')
const prm = (extra: Record<string, unknown> = {}) => ({ resource: 'https://tools.example.com/mcp', authorization_servers: ['https://auth.example.com'], scopes_supported: ['tools'], ...extra })

test('protected-resource metadata about this server names its issuer and scopes', () => {
  expect(Discovery.readProtectedResource(prm({ resource_name: 'Tools' }), server)).toEqual({ resource: 'https://tools.example.com/mcp', issuer: 'https://auth.example.com', scopesSupported: ['tools'], name: 'Tools' })
  // The origin alone covers every path under it; the first https server listed is chosen.
  expect(Discovery.readProtectedResource(prm({ resource: 'https://tools.example.com', authorization_servers: ['http://auth.example.net', 'https://auth2.example.com'] }), server).issuer).toBe('https://auth2.example.com')
})

test("metadata naming another server's resource, no resource, or only plain-http authorization servers is refused", () => {
  expect(() => Discovery.readProtectedResource(prm({ resource: 'https://mail.example.com/mcp' }), server)).toThrow(/is about another server \(https:\/\/mail\.example\.com\/mcp\)/)
  expect(() => Discovery.readProtectedResource(prm({ resource: 'https://tools.example.com/mcp-admin' }), server)).toThrow(/another server/)
  expect(() => Discovery.readProtectedResource(prm({ resource: 'http://tools.example.com/mcp' }), server)).toThrow(/another server/)
  expect(() => Discovery.readProtectedResource(prm({ resource: undefined }), server)).toThrow(/names no resource/)
  expect(() => Discovery.readProtectedResource(prm({ authorization_servers: ['http://auth.example.com'] }), server)).toThrow(/is on plain http to another machine/)
  expect(() => Discovery.readProtectedResource(prm({ authorization_servers: [] }), server)).toThrow(/lists no authorization server/)
})

test('plain http is for this machine only', async () => {
  expect(Discovery.readProtectedResource({ resource: 'http://127.0.0.1:9/mcp', authorization_servers: ['http://127.0.0.1:8'] }, new URL('http://127.0.0.1:9/mcp')).issuer).toBe('http://127.0.0.1:8')
  await expect(Discovery.protectedResource(new URL('http://tools.example.com/mcp'), {})).rejects.toThrow(/plain http to another machine/)
})

test('well-known addresses in the order MCP gives', () => {
  expect(Discovery.wellKnownResource(server).map(String)).toEqual(['https://tools.example.com/.well-known/oauth-protected-resource/mcp', 'https://tools.example.com/.well-known/oauth-protected-resource'])
  expect(Discovery.wellKnownServer(new URL('https://auth.example.com')).map(String)).toEqual(['https://auth.example.com/.well-known/oauth-authorization-server', 'https://auth.example.com/.well-known/openid-configuration'])
  expect(Discovery.wellKnownServer(new URL('https://auth.example.com/tenant1')).map(String)).toEqual([
    'https://auth.example.com/.well-known/oauth-authorization-server/tenant1',
    'https://auth.example.com/.well-known/openid-configuration/tenant1',
    'https://auth.example.com/tenant1/.well-known/openid-configuration',
  ])
})

const as = (extra: Record<string, unknown> = {}) => ({
  issuer: 'https://auth.example.com',
  authorization_endpoint: 'https://auth.example.com/authorize',
  token_endpoint: 'https://auth.example.com/token',
  code_challenge_methods_supported: ['S256'],
  ...extra,
})

test("an authorization server's metadata: its issuer exactly, https endpoints, PKCE S256", () => {
  const read = Discovery.readAuthorizationServer(as({ authorization_response_iss_parameter_supported: true, revocation_endpoint: 'https://auth.example.com/revoke', scopes_supported: ['openid'] }), 'https://auth.example.com')
  expect(read).toMatchObject({ issuer: 'https://auth.example.com', issParameterSupported: true, clientIdMetadataDocumentSupported: false, scopesSupported: ['openid'] })
  expect(read.revocationEndpoint?.href).toBe('https://auth.example.com/revoke')
  expect(() => Discovery.readAuthorizationServer(as(), 'https://auth.example.com/')).toThrow(/says its issuer is "https:\/\/auth\.example\.com", so it is not believed/)
  expect(() => Discovery.readAuthorizationServer(as({ issuer: 'https://honest.example' }), 'https://auth.example.com')).toThrow(/not believed/)
  expect(() => Discovery.readAuthorizationServer(as({ code_challenge_methods_supported: ['plain'] }), 'https://auth.example.com')).toThrow(/does not offer PKCE with S256/)
  expect(() => Discovery.readAuthorizationServer(as({ code_challenge_methods_supported: undefined }), 'https://auth.example.com')).toThrow(/PKCE/)
  expect(() => Discovery.readAuthorizationServer(as({ token_endpoint: 'http://auth.example.com/token' }), 'https://auth.example.com')).toThrow(/token endpoint http:\/\/auth\.example\.com\/token is on plain http/)
  expect(() => Discovery.readAuthorizationServer(as({ response_types_supported: ['token'] }), 'https://auth.example.com')).toThrow(/authorization code flow/)
})
