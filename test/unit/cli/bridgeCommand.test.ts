import { describe, expect, it } from 'vitest'
import { parseTarget } from '../../../main/cli/bridgeCommand.js'

describe('allowance bridge arguments', () => {
  it('reads a URL with headers and a transport strategy', () => {
    const target = parseTarget(['https://tools.example.com/mcp', '--header', 'Authorization: Bearer ${T}', '--transport', 'sse-only'], { T: 'x' })
    expect(target).toEqual({ kind: 'http', url: new URL('https://tools.example.com/mcp'), headers: { Authorization: 'Bearer x' }, strategy: 'sse-only' })
  })

  it('reads a stdio command after --, keeping its own flags', () => {
    expect(parseTarget(['--stdio', '--', 'npx', '-y', 'server', '--port', '3'])).toEqual({ kind: 'stdio', command: 'npx', args: ['-y', 'server', '--port', '3'] })
  })

  it.each([
    [[], /exactly one upstream URL/],
    [['not a url'], /is not a URL/],
    [['ftp://x/y'], /not an http\(s\) URL/],
    [['http://tools.example.com/mcp'], /plain HTTP to another machine/],
    [['https://a', 'https://b'], /exactly one upstream URL/],
    [['--stdio'], /needs a command/],
    [['https://a', '--transport', 'carrier-pigeon'], /--transport must be one of/],
    [['https://a', '--bogus'], /Unknown option/],
  ])('refuses %j with a clear message', (argv, message) => {
    expect(() => parseTarget(argv)).toThrow(message)
  })

  it('allows plain HTTP to loopback, and elsewhere with --allow-http', () => {
    expect(parseTarget(['http://127.0.0.1:3000/mcp']).kind).toBe('http')
    expect(parseTarget(['http://10.0.0.5/mcp', '--allow-http']).kind).toBe('http')
  })
})
