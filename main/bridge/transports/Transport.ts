import type { ParamHeaders } from '../era/ParamHeaders.js'
import type { JSONRPCMessage } from '../JsonRpc.js'

/**
 * A raw JSON-RPC pipe to the upstream. Messages are handed on as they were received (no schema
 * reshaping), so nothing the server sends is lost on the way to the host.
 */
export interface Transport {
  /** Connects (legacy SSE: opens the event stream; stdio: spawns the process). */
  start(): Promise<void>
  /**
   * Sends one message. For a request over Streamable HTTP the promise settles when the HTTP
   * exchange that carries its answer ends; it rejects with an `UpstreamError` when that exchange
   * fails, so the caller learns which request was left unanswered.
   */
  send(message: JSONRPCMessage): Promise<void>
  /** Ends the MCP session on the server where the transport has one (HTTP DELETE). */
  terminate?(): Promise<void>
  /** Drops connections and stops the process; no further callbacks. */
  close(): Promise<void>
  /** Tells HTTP servers which protocol version the session negotiated. */
  setProtocolVersion?(version: string): void
  /** Switches HTTP to the modern era's wire: no session, per-request headers, cancelling by closing. */
  useModernEra?(paramHeaders?: ParamHeaders): void
  readonly pid?: number | undefined
  onmessage?: (message: JSONRPCMessage) => void
  /** The connection is gone for good (event stream lost, process exited). */
  onlost?: (reason: string) => void
  /** Something arrived that is no JSON-RPC; logged, never fatal. */
  oninvalid?: (reason: string) => void
}
