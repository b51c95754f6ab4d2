import { LineReader } from '../../shared/LineReader.js'
import { check, type JSONRPCMessage } from '../JsonRpc.js'

/**
 * Newline-delimited JSON-RPC, the MCP stdio framing, for both ends of the bridge.
 * Each complete line is parsed and checked; bad lines are reported, never thrown.
 */
export class JsonLines {
  private readonly reader: LineReader

  constructor(private readonly handlers: JsonLines.Handlers) {
    this.reader = new LineReader(
      (line) => this.parse(line),
      (length) => handlers.onUnparseable(`a line of over ${length} characters was dropped`),
    )
  }

  push(chunk: string): void {
    this.reader.push(chunk)
  }

  private parse(line: string): void {
    let value: unknown
    try {
      value = JSON.parse(line)
    } catch (error) {
      this.handlers.onUnparseable((error as Error).message)
      return
    }
    const checked = check(value)
    if (checked.ok) this.handlers.onMessage(checked.message)
    else this.handlers.onInvalid(value, checked.reason)
  }
}

export declare namespace JsonLines {
  type Handlers = {
    onMessage(message: JSONRPCMessage): void
    /** The line is not JSON. */
    onUnparseable(reason: string): void
    /** The line is JSON but no JSON-RPC 2.0 message. */
    onInvalid(value: unknown, reason: string): void
  }
}

export function serialize(message: JSONRPCMessage): string {
  return `${JSON.stringify(message)}\n`
}
