import * as Http from './Http.js'
import type * as WwwAuthenticate from './WwwAuthenticate.js'

/**
 * Finding out how to sign in to an MCP server: its protected-resource metadata (RFC 9728), from
 * the `resource_metadata` of its 401 or else the well-known paths, then its authorization
 * server's metadata (RFC 8414, or OpenID Connect discovery) in the order MCP 2026-07-28 gives.
 * Whatever a server claims is checked before it is believed: the metadata must name this server
 * as its resource, the issuer must be the one asked for, every endpoint must be https (or on this
 * machine), and PKCE with S256 must be on offer. Each refusal is a {@link DiscoveryError} whose
 * message completes "Allowance could not sign in to <server>: …".
 */
export class DiscoveryError extends Error {}

export type ProtectedResource = {
  /** The resource indicator (RFC 8707) tokens are asked for: the server's canonical URI as it declares it. */
  resource: string
  /** The authorization server chosen: the first one listed that is https (or on this machine). */
  issuer: string
  /** What it declares it needs, least privilege first. */
  scopesSupported?: string[]
  /** Its name for people, if it gives one. */
  name?: string
}

export type AuthorizationServer = {
  issuer: string
  authorizationEndpoint: URL
  tokenEndpoint: URL
  registrationEndpoint?: URL
  revocationEndpoint?: URL
  /** RFC 9207: the authorization response must then carry `iss`. */
  issParameterSupported: boolean
  clientIdMetadataDocumentSupported: boolean
  tokenEndpointAuthMethods?: string[]
  scopesSupported?: string[]
}

/** The server's protected-resource metadata, checked to be about `server` itself. */
export async function protectedResource(server: URL, challenge: WwwAuthenticate.Bearer, timeoutMs?: number): Promise<ProtectedResource> {
  if (!Http.secureEnough(server)) throw new DiscoveryError(`${server.href} is plain http to another machine, and Allowance sends sign-in tokens over https only`)
  let document: Record<string, unknown> | undefined
  if (challenge.resourceMetadata !== undefined) {
    const url = Http.urlField(challenge.resourceMetadata)
    if (!url) throw new DiscoveryError(`its 401 names resource metadata at "${challenge.resourceMetadata.slice(0, 200)}", which is not a URL`)
    if (!Http.secureEnough(url)) throw new DiscoveryError(`its resource metadata is at ${url.href}, on plain http to another machine`)
    document = await fetchDocument(url, 'its protected-resource metadata', timeoutMs)
  } else {
    for (const url of wellKnownResource(server)) {
      document = await fetchDocument(url, 'its protected-resource metadata', timeoutMs).catch((error: unknown) => {
        if (error instanceof Http.HttpError && error.status !== undefined && error.status >= 400 && error.status < 500) return undefined
        throw error
      })
      if (document) break
    }
    if (!document) throw new DiscoveryError('it asks for authorization but publishes no protected-resource metadata (RFC 9728), so there is no way to know where to sign in')
  }
  return readProtectedResource(document, server)
}

/** Checks a protected-resource metadata document against the server it was fetched for. */
export function readProtectedResource(document: Record<string, unknown>, server: URL): ProtectedResource {
  const resource = Http.urlField(document.resource)
  if (!resource) throw new DiscoveryError('its protected-resource metadata names no resource')
  if (resource.hash) throw new DiscoveryError(`its protected-resource metadata names ${resource.href}, which has a fragment`)
  if (!covers(resource, server)) {
    throw new DiscoveryError(`its protected-resource metadata is about another server (${resource.href}); tokens for that server are not sent to ${server.href}`)
  }
  const listed = Array.isArray(document.authorization_servers) ? document.authorization_servers.filter((item): item is string => typeof item === 'string') : []
  if (listed.length === 0) throw new DiscoveryError('its protected-resource metadata lists no authorization server')
  const chosen = listed.find((issuer) => {
    const url = Http.urlField(issuer)
    return url !== undefined && Http.secureEnough(url)
  })
  if (!chosen) {
    throw new DiscoveryError(`its authorization server ${listed[0]!.slice(0, 200)} is on plain http to another machine; Allowance signs in over https only (or on this machine)`)
  }
  const scopes = strings(document.scopes_supported)
  const name = typeof document.resource_name === 'string' && document.resource_name.trim() ? document.resource_name.trim().slice(0, 100) : undefined
  // The identifier exactly as the server wrote it (no trailing slash added or dropped).
  return { resource: String(document.resource), issuer: chosen, ...(scopes && { scopesSupported: scopes }), ...(name && { name }) }
}

/** The authorization server's metadata, from the first well-known address that has it. */
export async function authorizationServer(issuer: string, timeoutMs?: number): Promise<AuthorizationServer> {
  const url = Http.urlField(issuer)
  if (!url || !Http.secureEnough(url)) throw new DiscoveryError(`its authorization server ${issuer.slice(0, 200)} is not an https address`)
  let lastProblem: string | undefined
  for (const candidate of wellKnownServer(url)) {
    let document: Record<string, unknown>
    try {
      document = await fetchDocument(candidate, `the metadata of ${url.host}`, timeoutMs)
    } catch (error) {
      if (error instanceof Http.HttpError && error.status !== undefined && error.status >= 400 && error.status < 500) {
        lastProblem = error.message
        continue
      }
      throw error
    }
    return readAuthorizationServer(document, issuer)
  }
  throw new DiscoveryError(`its authorization server ${url.host} publishes no metadata (RFC 8414 or OpenID discovery)${lastProblem ? `: ${lastProblem}` : ''}`)
}

/** Checks an authorization server's metadata document: its issuer, endpoints and PKCE. */
export function readAuthorizationServer(document: Record<string, unknown>, issuer: string): AuthorizationServer {
  // RFC 8414 §3.3: the issuer in the document is the one asked for, character for character.
  if (document.issuer !== issuer) {
    throw new DiscoveryError(`the metadata at ${issuer.slice(0, 200)} says its issuer is ${JSON.stringify(String(document.issuer).slice(0, 200))}, so it is not believed`)
  }
  const endpoint = (field: string, required: boolean): URL | undefined => {
    const value = document[field]
    if (value === undefined && !required) return undefined
    const url = Http.urlField(value)
    if (!url) throw new DiscoveryError(`the metadata of ${issuer} has no valid ${field}`)
    if (!Http.secureEnough(url)) throw new DiscoveryError(`its authorization server's ${field.replace(/_/g, ' ')} ${url.href} is on plain http to another machine; Allowance signs in over https only (or on this machine)`)
    return url
  }
  const methods = strings(document.code_challenge_methods_supported)
  if (!methods?.includes('S256')) throw new DiscoveryError(`its authorization server ${issuer} does not offer PKCE with S256, which signing in safely needs`)
  const responseTypes = strings(document.response_types_supported)
  if (responseTypes && !responseTypes.includes('code')) throw new DiscoveryError(`its authorization server ${issuer} does not offer the authorization code flow`)
  const server: AuthorizationServer = {
    issuer,
    authorizationEndpoint: endpoint('authorization_endpoint', true)!,
    tokenEndpoint: endpoint('token_endpoint', true)!,
    issParameterSupported: document.authorization_response_iss_parameter_supported === true,
    clientIdMetadataDocumentSupported: document.client_id_metadata_document_supported === true,
  }
  const registration = endpoint('registration_endpoint', false)
  if (registration) server.registrationEndpoint = registration
  const revocation = endpoint('revocation_endpoint', false)
  if (revocation) server.revocationEndpoint = revocation
  const authMethods = strings(document.token_endpoint_auth_methods_supported)
  if (authMethods) server.tokenEndpointAuthMethods = authMethods
  const scopes = strings(document.scopes_supported)
  if (scopes) server.scopesSupported = scopes
  return server
}

/**
 * Whether tokens for `resource` may go to `server`: the same origin, and the server's path at or
 * under the resource's (`https://x.com` and `https://x.com/mcp` cover `https://x.com/mcp`).
 */
export function covers(resource: URL, server: URL): boolean {
  if (resource.origin !== server.origin) return false
  const base = resource.pathname.replace(/\/+$/, '')
  const path = server.pathname
  return base === '' || path === base || path.startsWith(`${base}/`)
}

/** RFC 9728 well-known addresses: at the endpoint's path, then at the root. */
export function wellKnownResource(server: URL): URL[] {
  const path = server.pathname.replace(/\/+$/, '')
  const urls = [new URL(`/.well-known/oauth-protected-resource${path}`, server.origin)]
  if (path) urls.push(new URL('/.well-known/oauth-protected-resource', server.origin))
  return urls
}

/** The metadata addresses MCP 2026-07-28 tries for an issuer, in its order. */
export function wellKnownServer(issuer: URL): URL[] {
  const path = issuer.pathname.replace(/\/+$/, '')
  if (!path) return [new URL('/.well-known/oauth-authorization-server', issuer.origin), new URL('/.well-known/openid-configuration', issuer.origin)]
  return [
    new URL(`/.well-known/oauth-authorization-server${path}`, issuer.origin),
    new URL(`/.well-known/openid-configuration${path}`, issuer.origin),
    new URL(`${path}/.well-known/openid-configuration`, issuer.origin),
  ]
}

async function fetchDocument(url: URL, what: string, timeoutMs?: number): Promise<Record<string, unknown>> {
  try {
    return await Http.getJson(url, what, timeoutMs)
  } catch (error) {
    if (error instanceof Http.HttpError) throw error
    throw new DiscoveryError(`${what} could not be read: ${(error as Error).message}`)
  }
}

function strings(value: unknown): string[] | undefined {
  if (!Array.isArray(value)) return undefined
  return value.filter((item): item is string => typeof item === 'string' && item.length > 0 && item.length < 200)
}
