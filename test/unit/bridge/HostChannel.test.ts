import { Client } from '@modelcontextprotocol/sdk/client/index.js'
import { ReadBuffer, serializeMessage } from '@modelcontextprotocol/sdk/shared/stdio.js'
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js'
import { PassThrough, Writable } from 'node:stream'
import { describe, expect, it } from 'vitest'
import { HostChannel, progressSettleMs } from '../../../main/bridge/HostChannel.js'
import type { JSONRPCMessage } from '../../../main/bridge/JsonRpc.js'

const progress = (token: string | number, step: number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  method: 'notifications/progress',
  params: { progressToken: token, progress: step, total: 3 },
})
const result = (id: string | number): JSONRPCMessage => ({ jsonrpc: '2.0', id, result: { content: [] } })
const call = (id: string | number, token?: string | number): JSONRPCMessage => ({
  jsonrpc: '2.0',
  id,
  method: 'tools/call',
  params: { name: 'work', arguments: {}, ...(token === undefined ? {} : { _meta: { progressToken: token } }) },
})

/** A HostChannel whose output is collected line by line as it is written. */
function channel(onMessage: (message: JSONRPCMessage, channel: HostChannel) => void = () => {}) {
  const input = new PassThrough()
  const written: JSONRPCMessage[] = []
  const output = new Writable({
    write(chunk: Buffer, _encoding, done) {
      for (const line of chunk.toString().split('\n').filter(Boolean)) written.push(JSON.parse(line))
      done()
    },
  })
  const host: HostChannel = new HostChannel(input, output, { onMessage: (message) => onMessage(message, host), onInvalid: () => {}, onClose: () => {} })
  /** What the host sends, handed to the channel as its stdin would. */
  const fromHost = async (message: JSONRPCMessage) => {
    input.write(`${JSON.stringify(message)}\n`)
    await new Promise((resolve) => setImmediate(resolve))
  }
  return { host, written, fromHost }
}

describe('HostChannel', () => {
  it('lets an SDK host see the progress the server sent right before the result', async () => {
    // The host reads its stdin the way a pipe is read: whatever was written since its last read,
    // in one chunk, whenever its event loop comes round; the SDK's Protocol handles each chunk.
    const toBridge = new PassThrough()
    const toHost = new PassThrough()
    const host = new HostChannel(toBridge, toHost, {
      onMessage: (message) => {
        if (!('id' in message) || !('method' in message)) return
        if (message.method === 'initialize') {
          const protocolVersion = (message.params as { protocolVersion: string }).protocolVersion
          host.send({ jsonrpc: '2.0', id: message.id, result: { protocolVersion, capabilities: { tools: {} }, serverInfo: { name: 'upstream', version: '1' } } })
        } else if (message.method === 'tools/call') {
          // One upstream chunk: three progress notifications, then the result, relayed in one go.
          const token = (message.params as { _meta: { progressToken: string | number } })._meta.progressToken
          for (const step of [1, 2, 3]) host.send(progress(token, step))
          host.send(result(message.id))
        }
      },
      onInvalid: () => {},
      onClose: () => {},
    })
    const readBuffer = new ReadBuffer()
    let unread: Buffer[] = []
    const transport: Transport = {
      async start() {
        toHost.on('data', (chunk: Buffer) => {
          if (unread.push(chunk) > 1) return
          setImmediate(() => {
            readBuffer.append(Buffer.concat(unread))
            unread = []
            for (let message; (message = readBuffer.readMessage()); ) transport.onmessage?.(message)
          })
        })
      },
      async send(message) {
        toBridge.write(serializeMessage(message))
      },
      async close() {},
    }
    const client = new Client({ name: 'host', version: '1' })
    const errors: Error[] = []
    client.onerror = (error) => void errors.push(error)
    await client.connect(transport)
    const seen: number[] = []
    await client.callTool({ name: 'work', arguments: {} }, undefined, { onprogress: ({ progress }) => void seen.push(progress) })
    expect(seen).toEqual([1, 2, 3])
    expect(errors).toEqual([])
  })

  it('writes everything at once, an answer included, when no progress for it came just before', async () => {
    const { host, written, fromHost } = channel()
    await fromHost(call(1))
    await fromHost(call(2, 'token-2'))
    host.send(progress('someone-else', 1))
    host.send(result(1))
    host.send(result(2))
    expect(written).toEqual([progress('someone-else', 1), result(1), result(2)])
  })

  it('holds an answer right after its own progress, and what follows it, in order', async () => {
    const { host, written, fromHost } = channel()
    await fromHost(call(7, 'token-7'))
    await fromHost(call(8, 8))
    host.send(progress('token-7', 1))
    host.send(result(7))
    const log: JSONRPCMessage = { jsonrpc: '2.0', method: 'notifications/message', params: { level: 'info', data: 'after' } }
    host.send(log)
    host.send(progress(8, 1))
    host.send(result(8))
    expect(written).toEqual([progress('token-7', 1)])
    await expect.poll(() => written.length, { timeout: 10 * progressSettleMs, interval: 5 }).toBe(5)
    expect(written).toEqual([progress('token-7', 1), result(7), log, progress(8, 1), result(8)])
  })

  it('writes an answer at once when its progress was written long enough before', async () => {
    const { host, written, fromHost } = channel()
    await fromHost(call('a', 'token-a'))
    host.send(progress('token-a', 1))
    await new Promise((resolve) => setTimeout(resolve, progressSettleMs + 5))
    host.send(result('a'))
    expect(written).toEqual([progress('token-a', 1), result('a')])
  })

  it('forgets a request the host cancelled', async () => {
    const { host, written, fromHost } = channel()
    await fromHost(call(3, 3))
    await fromHost({ jsonrpc: '2.0', method: 'notifications/cancelled', params: { requestId: 3 } })
    host.send(progress(3, 1))
    host.send(result(3))
    expect(written).toEqual([progress(3, 1), result(3)])
  })
})
