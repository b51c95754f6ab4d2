import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, describe, expect, it } from 'vitest'
import { EraMemory } from '../../../../main/bridge/era/EraMemory.js'
import type { UpstreamTarget } from '../../../../main/bridge/UpstreamTarget.js'

const directory = mkdtempSync(join(tmpdir(), 'eras-'))
afterEach(() => rmSync(join(directory, 'eras.json'), { force: true }))

const http = (url: string): UpstreamTarget => ({ kind: 'http', url: new URL(url), headers: {}, strategy: 'http-first' })

describe('EraMemory', () => {
  it("remembers each server's era across instances, by endpoint without its query", () => {
    const file = join(directory, 'eras.json')
    new EraMemory(file).remember(http('https://a.example/mcp?token=secret'), 'modern')
    new EraMemory(file).remember({ kind: 'stdio', command: 'npx', args: ['weather-mcp'] }, 'legacy')
    const memory = new EraMemory(file)
    expect(memory.recall(http('https://a.example/mcp'))).toBe('modern')
    expect(memory.recall({ kind: 'stdio', command: 'npx', args: ['weather-mcp'] })).toBe('legacy')
    expect(memory.recall(http('https://b.example/mcp'))).toBeUndefined()
    expect(readFileSync(file, 'utf8')).not.toContain('secret')
    if (process.platform !== 'win32') expect(statSync(file).mode & 0o777).toBe(0o600)
  })

  it('takes a corrupt file or an unknown verdict for no memory, and replaces it on the next verdict', () => {
    const file = join(directory, 'eras.json')
    writeFileSync(file, '{ not json')
    const memory = new EraMemory(file)
    expect(memory.recall(http('https://a.example/mcp'))).toBeUndefined()
    writeFileSync(file, JSON.stringify({ 'https://a.example/mcp': { era: 'future' } }))
    expect(memory.recall(http('https://a.example/mcp'))).toBeUndefined()
    memory.remember(http('https://a.example/mcp'), 'legacy')
    expect(memory.recall(http('https://a.example/mcp'))).toBe('legacy')
  })
})
