/**
 * Network, TLS and file errors in the words a person reads, for every message that reaches the
 * UI, the CLI, the agent or the ledger: `ENOTFOUND` becomes "the server's name could not be found".
 * The code itself is never shown; what it names (a host name, an address) is kept.
 */

const words: Record<string, string> = {
  ENOTFOUND: "the server's name could not be found",
  EAI_AGAIN: "the server's name could not be looked up just now",
  EAI_FAIL: "the server's name could not be looked up",
  ECONNREFUSED: 'nothing is listening at that address',
  ECONNRESET: 'the server closed the connection',
  ECONNABORTED: 'the connection was aborted',
  EPIPE: 'the connection was closed while sending',
  ETIMEDOUT: 'the server did not answer in time',
  ESOCKETTIMEDOUT: 'the server did not answer in time',
  EHOSTUNREACH: 'the network has no route to the server',
  ENETUNREACH: 'the network is unreachable (are you offline?)',
  ENETDOWN: 'the network is down',
  EADDRINUSE: 'the address is already in use by another program',
  EACCES: 'permission denied',
  EPERM: 'the operation is not permitted',
  ENOENT: 'no such file or command',
  UND_ERR_CONNECT_TIMEOUT: 'the server did not answer in time',
  UND_ERR_HEADERS_TIMEOUT: 'the server did not answer in time',
  UND_ERR_BODY_TIMEOUT: 'the server stopped sending its answer',
  UND_ERR_SOCKET: 'the connection to the server broke',
  CERT_HAS_EXPIRED: "the server's certificate has expired",
  CERT_NOT_YET_VALID: "the server's certificate is not valid yet (is the clock right?)",
  DEPTH_ZERO_SELF_SIGNED_CERT: "the server's certificate is self-signed, so who it is cannot be checked",
  SELF_SIGNED_CERT_IN_CHAIN: "the server's certificate comes from an authority this computer does not trust",
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: "the server's certificate could not be verified",
  UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "the server's certificate comes from an authority this computer does not know",
  ERR_TLS_CERT_ALTNAME_INVALID: "the server's certificate is for another name",
  ERR_SSL_WRONG_VERSION_NUMBER: 'the server does not speak HTTPS on that port',
}

/** The words for an error code, when it is one people should not have to look up. */
export function ofCode(code: string): string | undefined {
  return Object.hasOwn(words, code) ? words[code] : undefined
}

/**
 * One line for any thrown value. A known code anywhere in the chain of causes (fetch hides it in
 * `cause`, a failed connection to several addresses in `errors`) gives its words and what it
 * names: "the server's name could not be found (tools.example.invalid)". Otherwise the message
 * and its root cause, with any code in it put in words.
 */
export function describe(error: unknown): string {
  if (!(error instanceof Error)) return plain(String(error))
  const coded = causes(error).find((each) => ofCode(code(each) ?? '') !== undefined)
  if (coded) {
    const place = placeOf(coded)
    return `${ofCode(code(coded)!)}${place ? ` (${place})` : ''}`
  }
  const cause = (error as { cause?: unknown }).cause
  return plain(cause instanceof Error && cause.message !== error.message ? `${error.message} (${cause.message})` : error.message)
}

/**
 * A message already written (a ledger row from an older version, a library's text) with Node's
 * `getaddrinfo ENOTFOUND host` or a bare code put in words.
 */
export function plain(text: string): string {
  return text.replace(codeInText, (whole, lookedUp: string | undefined, place: string | undefined, bare: string | undefined) => {
    const said = ofCode(lookedUp ?? bare ?? '')
    if (!said) return whole
    return place ? `${said} (${place})` : said
  })
}

// Node's "getaddrinfo ENOTFOUND host" and "connect ECONNREFUSED 127.0.0.1:9" name a place;
// "read ECONNRESET" and a bare code do not.
const codeWord = String.raw`[A-Z][A-Z0-9]*(?:_[A-Z0-9]+)+|E[A-Z]{3,}`
const placeWord = String.raw`(?:\[[\da-fA-F:]+\]|[\w.-]+)(?::\d+)?`
const codeInText = new RegExp(String.raw`\b(?:(?:getaddrinfo|connect)\s+(${codeWord})\s+(${placeWord})(?![\w.:-])|(?:(?:read|write)\s+)?(${codeWord}))\b`, 'g')

function code(error: Error): string | undefined {
  const value = (error as { code?: unknown }).code
  return typeof value === 'string' ? value : undefined
}

/** The error and its causes, outermost first (at most a few levels: a cause can point back). */
function causes(error: Error): Error[] {
  const found: Error[] = []
  const visit = (each: unknown) => {
    if (!(each instanceof Error) || found.includes(each) || found.length > 8) return
    found.push(each)
    visit((each as { cause?: unknown }).cause)
    if (each instanceof AggregateError) for (const inner of each.errors) visit(inner)
  }
  visit(error)
  return found
}

/** The host name, address or file an error names ("tools.example.com", "127.0.0.1:9", "npx"). */
function placeOf(error: Error): string | undefined {
  const { hostname, address, port, path } = error as { hostname?: unknown; address?: unknown; port?: unknown; path?: unknown }
  if (typeof hostname === 'string' && hostname) return hostname
  if (typeof path === 'string' && path) return path
  if (typeof address === 'string' && address) return typeof port === 'number' ? `${address.includes(':') ? `[${address}]` : address}:${port}` : address
  return undefined
}
