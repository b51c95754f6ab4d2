import { describe, expect, it } from 'vitest'
import { headerValue, ParamHeaders } from '../../../../main/bridge/era/ParamHeaders.js'

const sql = {
  name: 'execute_sql',
  inputSchema: {
    type: 'object',
    properties: {
      region: { type: 'string', 'x-mcp-header': 'Region' },
      options: { type: 'object', properties: { dryRun: { type: 'boolean', 'x-mcp-header': 'Dry-Run' }, limit: { type: 'integer', 'x-mcp-header': 'Limit' } } },
      query: { type: 'string' },
    },
  },
}

describe('ParamHeaders', () => {
  it('mirrors marked arguments into Mcp-Param headers, nested ones included, and omits absent or null values', () => {
    const headers = new ParamHeaders()
    expect(headers.learn({ tools: [sql] }).rejected).toEqual([])
    const call = (args: unknown) => headers.headersFor({ method: 'tools/call', params: { name: 'execute_sql', arguments: args } })
    expect(call({ region: 'us-west1', options: { dryRun: false, limit: 42 }, query: 'SELECT 1' })).toEqual({
      'mcp-param-region': 'us-west1',
      'mcp-param-dry-run': 'false',
      'mcp-param-limit': '42',
    })
    expect(call({ region: null, query: 'SELECT 1' })).toEqual({})
    expect(headers.headersFor({ method: 'tools/call', params: { name: 'unlisted', arguments: { region: 'x' } } })).toEqual({})
    expect(headers.headersFor({ method: 'tools/list' })).toEqual({})
  })

  it('leaves out of the list each tool whose marks break the rules, and keeps the others', () => {
    const bad = [
      { name: 'on_number', inputSchema: { properties: { ratio: { type: 'number', 'x-mcp-header': 'Ratio' } } } },
      { name: 'not_token', inputSchema: { properties: { a: { type: 'string', 'x-mcp-header': 'Bad Name' } } } },
      { name: 'twice', inputSchema: { properties: { a: { type: 'string', 'x-mcp-header': 'Same' }, b: { type: 'string', 'x-mcp-header': 'same' } } } },
      { name: 'in_items', inputSchema: { properties: { list: { type: 'array', items: { type: 'string', 'x-mcp-header': 'Item' } } } } },
    ]
    const { result, rejected } = new ParamHeaders().learn({ tools: [sql, ...bad], nextCursor: 'c2' })
    expect((result.tools as { name: string }[]).map((tool) => tool.name)).toEqual(['execute_sql'])
    expect(result.nextCursor).toBe('c2')
    expect(rejected.map((entry) => entry.tool)).toEqual(['on_number', 'not_token', 'twice', 'in_items'])
  })

  it('encodes values that are not plain ASCII, or look like the sentinel, as base64', () => {
    expect(headerValue('us-west1')).toBe('us-west1')
    expect(headerValue('Hello, 世界')).toBe('=?base64?SGVsbG8sIOS4lueVjA==?=')
    expect(headerValue(' padded ')).toBe('=?base64?IHBhZGRlZCA=?=')
    expect(headerValue('line1\nline2')).toBe('=?base64?bGluZTEKbGluZTI=?=')
    expect(headerValue('=?base64?literal?=')).toBe('=?base64?PT9iYXNlNjQ/bGl0ZXJhbD89?=')
  })
})
