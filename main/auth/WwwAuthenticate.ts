/**
 * The `Bearer` challenge of a `WWW-Authenticate` header (RFC 6750 §3, RFC 9728 §5.1): where the
 * server's protected-resource metadata is, which scopes the request needs, and why the token was
 * refused. A header may carry several challenges (`Basic realm="x", Bearer scope="a"`); only the
 * Bearer one is read, and a header that has none reads as empty.
 */
export type Bearer = {
  resourceMetadata?: string
  /** The scopes this request needs, as the server listed them. */
  scopes?: string[]
  /** `invalid_token`, `insufficient_scope`… */
  error?: string
  errorDescription?: string
}

export function parse(header: string | undefined): Bearer {
  if (!header) return {}
  const params = bearerParams(header.slice(0, 8192))
  if (!params) return {}
  const text = (name: string) => {
    const value = params.get(name)
    return value === undefined || value === '' ? undefined : value.slice(0, 2000)
  }
  const bearer: Bearer = {}
  const resourceMetadata = text('resource_metadata')
  if (resourceMetadata) bearer.resourceMetadata = resourceMetadata
  const scope = text('scope')
  if (scope) bearer.scopes = scopeList(scope)
  const error = text('error')
  if (error) bearer.error = error
  const description = text('error_description')
  if (description) bearer.errorDescription = description
  return bearer
}

/** A space-separated scope string as a list, each scope once, in the order given. */
export function scopeList(scope: string): string[] {
  return [...new Set(scope.split(/\s+/).filter((item) => /^[\x21\x23-\x5b\x5d-\x7e]+$/.test(item)))]
}

/**
 * The auth-params of the Bearer challenge: `name=token` or `name="quoted \" string"`, separated
 * by commas; a bare token that is not followed by `=` starts the next challenge (another scheme's
 * token68 value reads as a parameter of that scheme, and is dropped with it).
 */
function bearerParams(header: string): Map<string, string> | undefined {
  let index = 0
  let params: Map<string, string> | undefined
  let inBearer = false
  const skip = (pattern: RegExp) => {
    while (index < header.length && pattern.test(header[index]!)) index++
  }
  while (index < header.length) {
    skip(/[\s,]/)
    const start = index
    skip(/[^\s,=]/)
    const token = header.slice(start, index)
    if (!token) break
    skip(/[ \t]/)
    if (header[index] !== '=') {
      // A scheme name starts the next challenge.
      inBearer = token.toLowerCase() === 'bearer'
      if (inBearer) params = new Map()
      continue
    }
    // name=value
    index++ // '='
    skip(/[ \t]/)
    let value = ''
    if (header[index] === '"') {
      index++
      while (index < header.length && header[index] !== '"') {
        if (header[index] === '\\' && index + 1 < header.length) index++
        value += header[index]
        index++
      }
      index++ // closing quote
    } else {
      const begin = index
      skip(/[^\s,]/)
      value = header.slice(begin, index)
    }
    if (inBearer) params!.set(token.toLowerCase(), value)
  }
  return params
}
