import { expect, test } from 'vitest'
import * as Scope from '../../../main/ledger/Scope.js'
import { ledger } from './temp.js'

const upstream = 'https://tools.example.com/mcp'
const scopes: Scope.Scope[] = [
  {},
  { host: 'Cursor' },
  { upstream },
  { upstream: 'https://other.example.com/mcp' },
  { upstream, host: 'Cursor' },
  { upstream, operation: 'tools/call', target: 'search' },
  { upstream, operation: 'tools/call', target: 'fetch' },
  { upstream, operation: 'prompts/get', target: 'search' },
  { upstream, operation: 'tools/call', target: 'search', host: 'Claude Code' },
]
const contexts: Scope.Context[] = [
  { host: 'Cursor', upstream, operation: 'tools/call', target: 'search' },
  { host: 'Claude Code', upstream, operation: 'tools/call', target: 'search' },
  { host: 'Cursor', upstream, operation: 'prompts/get', target: 'search' },
  { host: 'Cursor', upstream: 'https://other.example.com/mcp', operation: 'tools/call', target: 'fetch' },
]

test('includes agrees with the SQL condition covers for every scope and call', () => {
  const db = ledger()
  db.exec('CREATE TABLE scopes (id INTEGER PRIMARY KEY, upstream TEXT, operation TEXT, target TEXT, host TEXT)')
  const insert = db.prepare('INSERT INTO scopes (id, upstream, operation, target, host) VALUES (@id, @upstream, @operation, @target, @host)')
  const normalized = scopes.map(Scope.normalize)
  normalized.forEach((scope, id) => insert.run({ id, ...scope }))
  const covering = db.prepare(`SELECT id FROM scopes WHERE ${Scope.covers} ORDER BY id`).pluck()
  for (const context of contexts) {
    const inJs = normalized.flatMap((scope, id) => (Scope.includes(scope, context) ? [id] : []))
    expect(inJs).toEqual(covering.all(context))
  }
})
