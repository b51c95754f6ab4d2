import type { Readable, Writable } from 'node:stream'
import { JSONRPCMessageSchema } from '@modelcontextprotocol/sdk/types.js'
import { ErrorCode, errorResponse, type JSONRPCMessage, type RequestId } from './JsonRpc.js'

/**
 * The host side of the bridge: newline-delimited JSON-RPC on stdio (the MCP stdio transport).
 *
 * Unlike the SDK's server transport, it answers bad input the way JSON-RPC asks (-32700 for
 * unparseable lines, -32600 for well-formed JSON that is no JSON-RPC message) and hands on
 * the message exactly as the host wrote it, so unknown fields survive the trip upstream.
 */
export class HostChannel {
  private buffer = ''

  constructor(
    private readonly input: Readable,
    private readonly output: Writable,
    private readonly handlers: HostChannel.Handlers,
  ) {
    input.setEncoding('utf8')
    input.on('data', (chunk: string) => this.receive(chunk))
    input.on('end', () => handlers.onClose())
    input.on('close', () => handlers.onClose())
    input.on('error', () => handlers.onClose())
    output.on('error', () => handlers.onClose()) // EPIPE: the host went away
  }

  send(message: JSONRPCMessage): void {
    this.output.write(`${JSON.stringify(message)}\n`)
  }

  private receive(chunk: string): void {
    this.buffer += chunk
    let newline: number
    while ((newline = this.buffer.indexOf('\n')) !== -1) {
      const line = this.buffer.slice(0, newline).replace(/\r$/, '')
      this.buffer = this.buffer.slice(newline + 1)
      if (line.trim() !== '') this.parse(line)
    }
  }

  private parse(line: string): void {
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      this.handlers.onInvalid(`unparseable line from host: ${(error as Error).message}`)
      this.send(errorResponse(null, ErrorCode.ParseError, 'Parse error: the bridge received a line that is not JSON.'))
      return
    }
    if (!JSONRPCMessageSchema.safeParse(value).success) {
      this.handlers.onInvalid('a JSON value from host that is not a JSON-RPC 2.0 message')
      this.send(
        errorResponse(
          requestIdOf(value),
          ErrorCode.InvalidRequest,
          'Invalid Request: not a JSON-RPC 2.0 request, notification or response.',
        ),
      )
      return
    }
    this.handlers.onMessage(value as JSONRPCMessage)
  }
}

export declare namespace HostChannel {
  type Handlers = {
    onMessage(message: JSONRPCMessage): void
    onInvalid(reason: string): void
    onClose(): void
  }
}

function requestIdOf(value: unknown): RequestId | null {
  if (typeof value !== 'object' || value === null || !('id' in value)) return null
  const { id } = value as { id: unknown }
  return typeof id === 'string' || (typeof id === 'number' && Number.isFinite(id)) ? id : null
}
