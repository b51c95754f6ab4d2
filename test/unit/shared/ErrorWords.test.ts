import { describe, expect, it } from 'vitest'
import * as ErrorWords from '../../../main/shared/ErrorWords.js'

const coded = (message: string, fields: Record<string, unknown>) => Object.assign(new Error(message), fields)

describe('ErrorWords.describe', () => {
  it('puts the code fetch hides in its cause in words, with the name it could not find', () => {
    const error = new TypeError('fetch failed', { cause: coded('getaddrinfo ENOTFOUND tools.example.invalid', { code: 'ENOTFOUND', hostname: 'tools.example.invalid' }) })
    expect(ErrorWords.describe(error)).toBe("the server's name could not be found (tools.example.invalid)")
  })

  it('names the address nothing listens at, and reads a connection to several addresses', () => {
    const refused = coded('connect ECONNREFUSED 127.0.0.1:9', { code: 'ECONNREFUSED', address: '127.0.0.1', port: 9 })
    expect(ErrorWords.describe(refused)).toBe('nothing is listening at that address (127.0.0.1:9)')
    const both = Object.assign(new AggregateError([coded('connect ECONNREFUSED ::1:9', { code: 'ECONNREFUSED', address: '::1', port: 9 })], ''), { code: 'ECONNREFUSED' })
    expect(ErrorWords.describe(both)).toBe('nothing is listening at that address')
  })

  it.each([
    ['ETIMEDOUT', 'the server did not answer in time'],
    ['ECONNRESET', 'the server closed the connection'],
    ['EAI_AGAIN', "the server's name could not be looked up just now"],
    ['CERT_HAS_EXPIRED', "the server's certificate has expired"],
    ['DEPTH_ZERO_SELF_SIGNED_CERT', "the server's certificate is self-signed, so who it is cannot be checked"],
    ['ERR_TLS_CERT_ALTNAME_INVALID', "the server's certificate is for another name"],
  ])('%s in words', (code, words) => {
    expect(ErrorWords.describe(coded(`something ${code}`, { code }))).toBe(words)
  })

  it('keeps a message without a known code, with its root cause', () => {
    expect(ErrorWords.describe(new Error('The wallet is locked.'))).toBe('The wallet is locked.')
    expect(ErrorWords.describe(new Error('outer', { cause: new Error('inner') }))).toBe('outer (inner)')
    expect(ErrorWords.describe(coded('odd', { code: 'E_SOMETHING_ELSE' }))).toBe('odd')
    expect(ErrorWords.describe('thrown text')).toBe('thrown text')
  })
})

describe('ErrorWords.plain', () => {
  it("rewrites Node's messages already written down", () => {
    expect(ErrorWords.plain('the check failed: fetch failed (getaddrinfo ENOTFOUND rpc.example.invalid)')).toBe(
      "the check failed: fetch failed (the server's name could not be found (rpc.example.invalid))",
    )
    expect(ErrorWords.plain('is unreachable: connect ECONNREFUSED 127.0.0.1:9')).toBe('is unreachable: nothing is listening at that address (127.0.0.1:9)')
    expect(ErrorWords.plain('read ECONNRESET while reading')).toBe('the server closed the connection while reading')
    expect(ErrorWords.plain('CERT_HAS_EXPIRED')).toBe("the server's certificate has expired")
  })

  it('leaves other capitals alone', () => {
    expect(ErrorWords.plain('USDC on EVM: ERROR_UNKNOWN, ENOUGH said')).toBe('USDC on EVM: ERROR_UNKNOWN, ENOUGH said')
  })
})
