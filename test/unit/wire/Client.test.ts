// A bridge asks the companion for what must never hold up a free call (a tool list's notes) only
// when one already runs: no companion is started for it, and a slow one is given up on in time.
import { mkdtempSync, rmSync } from 'node:fs'
import { createServer, type Server } from 'node:net'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterEach, expect, test, vi } from 'vitest'
import { CompanionClient, CompanionUnavailableError } from '../../../main/wire/Client.js'

const cleanup: (() => void)[] = []
afterEach(() => cleanup.splice(0).forEach((run) => run()))

function socketPath(): string {
  const dir = mkdtempSync(join(tmpdir(), 'allowance-wire-'))
  cleanup.push(() => rmSync(dir, { recursive: true, force: true }))
  return join(dir, 'companion.sock')
}

/** A companion stand-in on `path` answering each line after `delayMs` with `{ok: true, result: 'answer'}`. */
async function companion(path: string, delayMs: number): Promise<Server> {
  const server = createServer((socket) => {
    socket.setEncoding('utf8')
    let buffered = ''
    socket.on('data', (chunk: string) => {
      buffered += chunk
      for (let end = buffered.indexOf('\n'); end !== -1; end = buffered.indexOf('\n')) {
        const { id, type } = JSON.parse(buffered.slice(0, end)) as { id: number; type: string }
        buffered = buffered.slice(end + 1)
        if (type !== 'hello') setTimeout(() => socket.write(`${JSON.stringify({ v: 2, id, ok: true, result: 'answer' })}\n`), delayMs)
      }
    })
  })
  await new Promise<void>((resolve) => server.listen(path, resolve))
  cleanup.push(() => server.close())
  return server
}

test('requestIfRunning never starts a companion, and fails at once when none listens', async () => {
  const autoStart = vi.fn()
  const client = new CompanionClient({ socketPath: socketPath(), autoStart, waitMs: 5000 })
  const started = Date.now()
  await expect(client.requestIfRunning({ type: 'status' }, 100)).rejects.toBeInstanceOf(CompanionUnavailableError)
  expect(Date.now() - started).toBeLessThan(100)
  expect(autoStart).not.toHaveBeenCalled()
  client.close()
})

test('requestIfRunning answers from a running companion, and gives up on one slower than the deadline', async () => {
  const path = socketPath()
  await companion(path, 0)
  const client = new CompanionClient({ socketPath: path, autoStart: vi.fn(), hello: { role: 'bridge', upstream: 'u' } })
  expect(await client.requestIfRunning({ type: 'status' }, 1000)).toBe('answer')
  client.close()

  const slowPath = socketPath()
  await companion(slowPath, 300)
  const slow = new CompanionClient({ socketPath: slowPath })
  await expect(slow.requestIfRunning({ type: 'status' }, 50)).rejects.toThrow(/did not answer within 50 ms/)
  // The connection stays usable for what may wait.
  expect(await slow.request({ type: 'status' })).toBe('answer')
  slow.close()
})

test('a payment that needs the companion while a non-starting attempt is under way still starts one', async () => {
  const path = socketPath()
  const autoStart = vi.fn(() => void companion(path, 0))
  const client = new CompanionClient({ socketPath: path, autoStart, waitMs: 3000 })
  const notes = client.requestIfRunning({ type: 'status' }, 100)
  const payment = client.request({ type: 'status' })
  await expect(notes).rejects.toBeInstanceOf(CompanionUnavailableError)
  expect(await payment).toBe('answer')
  expect(autoStart).toHaveBeenCalledTimes(1)
  client.close()
})
