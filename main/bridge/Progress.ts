import type { JSONRPCMessage, JSONRPCRequest } from './JsonRpc.js'

/**
 * Keeps a host's request alive while Allowance waits on a person (an approval, a sign-in): a
 * `notifications/progress` every `intervalMs` with `message`, for a request that gave a progress
 * token. Returns what stops it.
 *
 * @example
 * ```ts
 * import * as Progress from './Progress.js'
 *
 * declare const request: import('./JsonRpc.js').JSONRPCRequest
 * const stop = Progress.keepAlive(request, { toHost: (message) => console.log(message), intervalMs: 5_000, message: 'Waiting for payment approval in Allowance' })
 * // … once the person answered:
 * stop()
 * ```
 */
export function keepAlive(request: JSONRPCRequest | undefined, options: { toHost(message: JSONRPCMessage): void; intervalMs: number; message: string }): () => void {
  const token = ((request?.params ?? {}) as { _meta?: { progressToken?: unknown } })._meta?.progressToken
  if (typeof token !== 'string' && typeof token !== 'number') return () => {}
  let progress = 0
  const timer = setInterval(() => {
    options.toHost({ jsonrpc: '2.0', method: 'notifications/progress', params: { progressToken: token, progress: ++progress, message: options.message } })
  }, options.intervalMs)
  return () => clearInterval(timer)
}
