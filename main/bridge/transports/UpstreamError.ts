/** Why talking to the upstream failed, sorted by what the relay does about it. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamError.Kind,
    readonly upstream: string,
    detail: string,
    /** The HTTP status, when the upstream answered with one. */
    readonly status?: number,
    /** The start of the body of an HTTP error, which tells a modern server from a legacy one. */
    readonly body?: string,
    /** `unauthorized`: the server's `WWW-Authenticate` header, which says how to sign in. */
    readonly challenge?: string,
  ) {
    super(`Upstream ${upstream} ${UpstreamError.phrase[kind]}: ${detail}`)
  }

  static readonly phrase: Record<UpstreamError.Kind, string> = {
    unreachable: 'is unreachable',
    session_expired: 'expired the session',
    rejected: 'rejected the request',
    invalid_response: 'sent an invalid response',
    closed: 'closed the connection',
    timeout: 'did not answer in time',
    unauthorized: 'wants authorization',
  }
}

export declare namespace UpstreamError {
  /** `unauthorized`: a 401, or a 403 asking for more scopes; the request did not reach the server's handler. */
  type Kind = 'unreachable' | 'session_expired' | 'rejected' | 'invalid_response' | 'closed' | 'timeout' | 'unauthorized'
}
