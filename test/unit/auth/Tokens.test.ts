// What counts as a token from a token endpoint, and what is refused as garbage.
import { expect, test } from 'vitest'
import * as Tokens from '../../../main/auth/Tokens.js'

test('a bearer token, with its refresh token, expiry and scopes', () => {
  expect(Tokens.readTokenSet({ access_token: 'abc.def', token_type: 'Bearer', expires_in: 60, refresh_token: 'r1', scope: 'a b' }, 'it', 1000)).toEqual({
    accessToken: 'abc.def',
    refreshToken: 'r1',
    expiresAt: 61_000,
    scopes: ['a', 'b'],
  })
  expect(Tokens.readTokenSet({ access_token: 'x', token_type: 'bearer', expires_in: '30' }, 'it', 0).expiresAt).toBe(30_000)
})

test('anything else is garbage, said without quoting a token', () => {
  const refused = (json: unknown) => {
    try {
      Tokens.readTokenSet(json, 'the token endpoint of a.example')
    } catch (error) {
      expect(error).toBeInstanceOf(Tokens.TokenError)
      expect((error as Tokens.TokenError).kind).toBe('garbage')
      return (error as Error).message
    }
    throw new Error('accepted')
  }
  expect(refused('<html>')).toBe('the token endpoint of a.example answered with something that is not a token')
  expect(refused({ token_type: 'Bearer' })).toMatch(/without a usable access token/)
  expect(refused({ access_token: 'has space', token_type: 'Bearer' })).toMatch(/without a usable access token/)
  expect(refused({ access_token: 'x'.repeat(20_000), token_type: 'Bearer' })).toMatch(/without a usable access token/)
  expect(refused({ access_token: 'secret-token', token_type: 'DPoP' })).toBe('the token endpoint of a.example answered with a token of type "DPoP", and Allowance uses bearer tokens only')
  expect(refused({ access_token: 'secret-token', token_type: 'Bearer', expires_in: -5 })).toMatch(/expiry that is not a number of seconds/)
  expect(refused({ access_token: 'secret-token', token_type: 'Bearer', refresh_token: 42 })).toMatch(/refresh token that is not one/)
})
