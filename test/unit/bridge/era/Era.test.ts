import { describe, expect, it } from 'vitest'
import * as Era from '../../../../main/bridge/era/Era.js'

const envelope = { clientCapabilities: { elicitation: {} }, clientInfo: { name: 'Claude Code', version: '2.1.0' } }

describe('Era.withEnvelope', () => {
  it("adds the modern keys beside the host's own _meta and leaves the rest of the request alone", () => {
    const request = { jsonrpc: '2.0' as const, id: 7, method: 'tools/call', params: { name: 'search', arguments: { q: 'x' }, _meta: { progressToken: 'p1' } } }
    const sent = Era.withEnvelope(request, { ...envelope, logLevel: 'debug' })
    expect(sent).toEqual({
      ...request,
      params: {
        name: 'search',
        arguments: { q: 'x' },
        _meta: {
          progressToken: 'p1',
          'io.modelcontextprotocol/protocolVersion': '2026-07-28',
          'io.modelcontextprotocol/clientCapabilities': { elicitation: {} },
          'io.modelcontextprotocol/clientInfo': { name: 'Claude Code', version: '2.1.0' },
          'io.modelcontextprotocol/logLevel': 'debug',
        },
      },
    })
    expect(request.params._meta).toEqual({ progressToken: 'p1' })
    expect(Era.withEnvelope({ jsonrpc: '2.0', id: 1, method: 'tools/list' }, envelope).params?._meta).not.toHaveProperty(['io.modelcontextprotocol/logLevel'])
  })
})

describe('Era.discoveryIn and initializeAnswer', () => {
  const discovered = {
    jsonrpc: '2.0' as const,
    id: 'd',
    result: {
      resultType: 'complete',
      supportedVersions: ['2026-07-28'],
      capabilities: { tools: { listChanged: true } },
      instructions: 'Use search first.',
      _meta: { 'io.modelcontextprotocol/serverInfo': { name: 'weather', version: '3.1.0' } },
    },
  }

  it("answers the host's initialize in the host's own version, with the server's capabilities, identity and instructions", () => {
    const discovery = Era.discoveryIn(discovered, 'https://x.example/mcp')!
    const answer = Era.initializeAnswer({ jsonrpc: '2.0', id: 0, method: 'initialize', params: { protocolVersion: '2025-06-18' } }, discovery)
    expect(answer).toEqual({
      jsonrpc: '2.0',
      id: 0,
      result: { protocolVersion: '2025-06-18', capabilities: { tools: { listChanged: true } }, serverInfo: { name: 'weather', version: '3.1.0' }, instructions: 'Use search first.' },
    })
    const unknown = Era.initializeAnswer({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2031-01-01' } }, discovery)
    expect(unknown).toMatchObject({ result: { protocolVersion: '2025-11-25' } })
  })

  it('names an anonymous server by its address, and refuses what is no discovery', () => {
    const { _meta, ...anonymous } = discovered.result
    expect(Era.discoveryIn({ ...discovered, result: anonymous }, 'https://x.example/mcp')?.serverInfo).toEqual({ name: 'https://x.example/mcp', version: 'unknown' })
    expect(Era.discoveryIn({ jsonrpc: '2.0', id: 1, result: { capabilities: {} } }, 'x')).toBeUndefined()
    expect(Era.discoveryIn({ jsonrpc: '2.0', id: 1, result: { supportedVersions: 'all', capabilities: {} } }, 'x')).toBeUndefined()
    expect(Era.discoveryIn({ jsonrpc: '2.0', id: 1, result: { supportedVersions: ['2026-07-28'], capabilities: [] } }, 'x')).toBeUndefined()
    expect(Era.discoveryIn({ jsonrpc: '2.0', id: 1, error: { code: -32601, message: 'Method not found' } }, 'x')).toBeUndefined()
  })

  it('tells modern errors from any other', () => {
    expect(Era.isModernError({ error: { code: -32022, message: 'Unsupported protocol version', data: { supported: ['2027-01-01'] } } })).toBe(true)
    expect(Era.isModernError({ error: { code: -32601, message: 'Method not found' } })).toBe(false)
    expect(Era.isModernError({ error: { code: -32000, message: 'Bad Request: Server not initialized' } })).toBe(false)
    expect(Era.supportedIn({ error: { code: -32022, message: '', data: { supported: ['2027-01-01', 5] } } })).toEqual(['2027-01-01'])
  })
})

describe('Era.forLegacyHost', () => {
  it("drops resultType and nothing else; notifications and errors pass as they are", () => {
    expect(Era.forLegacyHost({ jsonrpc: '2.0', id: 1, result: { resultType: 'complete', content: [], _meta: { a: 1 } } })).toEqual({ jsonrpc: '2.0', id: 1, result: { content: [], _meta: { a: 1 } } })
    const notification = { jsonrpc: '2.0' as const, method: 'notifications/progress', params: { progressToken: 1, progress: 1 } }
    expect(Era.forLegacyHost(notification)).toBe(notification)
    const error = { jsonrpc: '2.0' as const, id: 2, error: { code: -32603, message: 'x' } }
    expect(Era.forLegacyHost(error)).toBe(error)
  })
})
