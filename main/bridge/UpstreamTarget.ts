/** Where the bridge relays to: a remote server over HTTP, or a local process over stdio. */
export type UpstreamTarget =
  | { kind: 'http'; url: URL; headers: Record<string, string>; strategy: TransportStrategy }
  | { kind: 'stdio'; command: string; args: string[] }

/**
 * Which HTTP transports to try, in order. `http-first` tries Streamable HTTP and falls back to
 * the legacy HTTP+SSE transport when the server rejects it, as mcp-remote does.
 */
export type TransportStrategy = 'http-first' | 'sse-first' | 'http-only' | 'sse-only'
export const transportStrategies: readonly TransportStrategy[] = ['http-first', 'sse-first', 'http-only', 'sse-only']

export type HttpTransportKind = 'streamable-http' | 'sse'

export function transportOrder(strategy: TransportStrategy): HttpTransportKind[] {
  switch (strategy) {
    case 'http-first':
      return ['streamable-http', 'sse']
    case 'sse-first':
      return ['sse', 'streamable-http']
    case 'http-only':
      return ['streamable-http']
    case 'sse-only':
      return ['sse']
  }
}

/** The upstream's identity as users see it: the URL, or the command line. */
export function describe(target: UpstreamTarget): string {
  return target.kind === 'http' ? target.url.href : [target.command, ...target.args].join(' ')
}
