import type { Readable, Writable } from 'node:stream'
import { ErrorCode, errorResponse, idOf, type JSONRPCMessage } from './JsonRpc.js'
import { JsonLines, serialize } from './transports/JsonLines.js'

/**
 * The host side of the bridge: newline-delimited JSON-RPC on stdio (the MCP stdio transport).
 * Bad input is answered the way JSON-RPC asks (-32700 for a line that is not JSON, -32600 for
 * JSON that is no JSON-RPC message), and messages are handed on exactly as the host wrote them.
 */
export class HostChannel {
  private closed = false

  constructor(
    input: Readable,
    private readonly output: Writable,
    private readonly handlers: HostChannel.Handlers,
  ) {
    const lines = new JsonLines({
      onMessage: (message) => handlers.onMessage(message),
      onUnparseable: (reason) => {
        handlers.onInvalid(`a line from the host that is not JSON: ${reason}`)
        this.send(errorResponse(null, ErrorCode.ParseError, 'Parse error: the bridge received a line that is not JSON.'))
      },
      onInvalid: (value, reason) => {
        handlers.onInvalid(`a message from the host that is not JSON-RPC: ${reason}`)
        this.send(errorResponse(idOf(value), ErrorCode.InvalidRequest, `Invalid Request: ${reason}.`))
      },
    })
    input.setEncoding('utf8')
    input.on('data', (chunk: string) => lines.push(chunk))
    for (const event of ['end', 'close', 'error']) input.on(event, () => this.close())
    output.on('error', () => this.close()) // EPIPE: the host went away
  }

  send(message: JSONRPCMessage): void {
    if (!this.output.destroyed) this.output.write(serialize(message))
  }

  private close(): void {
    if (this.closed) return
    this.closed = true
    this.handlers.onClose()
  }
}

export declare namespace HostChannel {
  type Handlers = {
    onMessage(message: JSONRPCMessage): void
    onInvalid(reason: string): void
    onClose(): void
  }
}
