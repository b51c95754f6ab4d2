// Reading a server's Bearer challenge: where its metadata is, the scopes it needs, why it refused.
import { expect, test } from 'vitest'
import * as WwwAuthenticate from '../../../main/auth/WwwAuthenticate.js'

test('the Bearer challenge of a header, quoted or not, among other schemes', () => {
  expect(WwwAuthenticate.parse('Bearer resource_metadata="https://x.example/.well-known/oauth-protected-resource/mcp", scope="files:read files:write"')).toEqual({
    resourceMetadata: 'https://x.example/.well-known/oauth-protected-resource/mcp',
    scopes: ['files:read', 'files:write'],
  })
  expect(WwwAuthenticate.parse('Basic realm="old", Negotiate abc==, bearer error=invalid_token, error_description="The token \\"expired\\""')).toEqual({
    error: 'invalid_token',
    errorDescription: 'The token "expired"',
  })
  expect(WwwAuthenticate.parse('Bearer error="insufficient_scope", scope="a b a"')).toEqual({ error: 'insufficient_scope', scopes: ['a', 'b'] })
})

test('no header, another scheme only, or nonsense read as nothing', () => {
  expect(WwwAuthenticate.parse(undefined)).toEqual({})
  expect(WwwAuthenticate.parse('Basic realm="x"')).toEqual({})
  expect(WwwAuthenticate.parse('=,,= "')).toEqual({})
  expect(WwwAuthenticate.parse('Bearer')).toEqual({})
})
