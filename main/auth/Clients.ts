import * as Discovery from './Discovery.js'
import * as Http from './Http.js'
import * as TokenStore from './TokenStore.js'
import type * as Tokens from './Tokens.js'
import type * as SecretStore from '../wallet/SecretStore.js'

/**
 * Who Allowance is to an authorization server, in the order MCP 2026-07-28 gives: a client the
 * user registered and gave for this server (`allowance auth login --oauth-client-id`, its secret
 * in the keychain); else Allowance's Client ID Metadata Document, where the server takes those;
 * else a client registered on the spot (RFC 7591), kept per issuer and redirect address and used
 * again. Each is bound to the issuer it was made for.
 */
export type Plan =
  | { kind: 'static'; client: Tokens.Client }
  | { kind: 'metadata-document'; client: Tokens.Client }
  | { kind: 'registered'; existing?: TokenStore.Client & { kind: 'registered' }; preferredPort?: number | undefined }

/** The URL Allowance's client metadata document is published at (the project's site), unless settings.json names another. */
export const defaultMetadataUrl = 'https://allowance.invalid/oauth/client-metadata.json'

/** Allowance's Client ID Metadata Document, as published at `url` (draft-ietf-oauth-client-id-metadata-document). */
export function metadataDocument(url: string): Record<string, unknown> {
  return {
    client_id: url,
    client_name: 'Allowance',
    client_uri: new URL('/', url).href.replace(/\/$/, ''),
    // RFC 8252 §7.3: any port on the loopback address.
    redirect_uris: ['http://127.0.0.1/callback'],
    grant_types: ['authorization_code', 'refresh_token'],
    response_types: ['code'],
    token_endpoint_auth_method: 'none',
    application_type: 'native',
  }
}

export async function plan(parameters: plan.Parameters): Promise<Plan> {
  const { home, server, authorizationServer: as, metadataUrl, options } = parameters
  const own = TokenStore.clients(home).find((client): client is TokenStore.Client & { kind: 'static' } => client.kind === 'static' && client.server === server)
  if (own) {
    if (own.issuer !== undefined && own.issuer !== as.issuer) {
      throw new Discovery.DiscoveryError(
        `the client id you gave for it (${own.clientId}) was for ${own.issuer}, and it now signs in at ${as.issuer}; give a client of that server with \`allowance auth login ${server} --oauth-client-id <id>\``,
      )
    }
    const secret = await TokenStore.clientSecret(home, own, options)
    if (own.secret && secret === undefined) throw new Discovery.DiscoveryError(`the secret of the client id you gave for it is missing from the keychain; give it again with \`allowance auth login ${server} --oauth-client-id ${own.clientId}\``)
    if (own.issuer === undefined) TokenStore.bindStaticClient(home, server, as.issuer)
    const authMethod: Tokens.AuthMethod =
      secret === undefined ? 'none' : !as.tokenEndpointAuthMethods || as.tokenEndpointAuthMethods.includes('client_secret_basic') ? 'client_secret_basic' : 'client_secret_post'
    return { kind: 'static', client: { clientId: own.clientId, clientSecret: secret, authMethod } }
  }
  if (as.clientIdMetadataDocumentSupported && metadataUrl) {
    return { kind: 'metadata-document', client: { clientId: metadataUrl, authMethod: 'none' } }
  }
  if (as.registrationEndpoint) {
    const existing = TokenStore.clients(home).find((client): client is TokenStore.Client & { kind: 'registered' } => client.kind === 'registered' && client.issuer === as.issuer)
    const port = existing ? Number(new URL(existing.redirectUri).port) || undefined : undefined
    return existing ? { kind: 'registered', existing, preferredPort: port } : { kind: 'registered' }
  }
  throw new Discovery.DiscoveryError(
    `its authorization server ${as.issuer} offers no way for Allowance to identify itself (no client metadata documents, no dynamic registration); register a client there and give its id with \`allowance auth login ${server} --oauth-client-id <id>\``,
  )
}

export declare namespace plan {
  type Parameters = {
    home: string
    server: string
    authorizationServer: Discovery.AuthorizationServer
    /** Allowance's published metadata document, or null where the user turned it off. */
    metadataUrl: string | null
    options: SecretStore.Options
  }
}

/**
 * The client to use with `redirectUri`: the planned one, or, for dynamic registration, the one
 * registered for this issuer and address, else a new registration (which is kept).
 */
export async function settle(chosen: Plan, parameters: settle.Parameters): Promise<{ client: Tokens.Client; kind: TokenStore.ClientKind }> {
  if (chosen.kind !== 'registered') return { client: chosen.client, kind: chosen.kind }
  const { home, authorizationServer: as, redirectUri, options } = parameters
  const existing = chosen.existing
  if (existing && existing.redirectUri === redirectUri) {
    const secret = await TokenStore.clientSecret(home, existing, options)
    if (!existing.secret || secret !== undefined) return { client: { clientId: existing.clientId, clientSecret: secret, authMethod: existing.authMethod }, kind: 'registered' }
  }
  const registered = await register(as, redirectUri, parameters.software)
  await TokenStore.saveClient(home, { kind: 'registered', issuer: as.issuer, redirectUri, clientId: registered.clientId, authMethod: registered.authMethod }, registered.clientSecret, options)
  return { client: registered, kind: 'registered' }
}

export declare namespace settle {
  type Parameters = {
    home: string
    authorizationServer: Discovery.AuthorizationServer
    redirectUri: string
    options: SecretStore.Options
    software: { version: string }
  }
}

/** Dynamic client registration (RFC 7591) as a native public client. */
export async function register(as: Discovery.AuthorizationServer, redirectUri: string, software: { version: string }): Promise<Tokens.Client> {
  const endpoint = as.registrationEndpoint!
  const what = `the registration endpoint of ${endpoint.host}`
  const answer = await Http.request(endpoint, {
    what,
    json: {
      client_name: 'Allowance',
      redirect_uris: [redirectUri],
      grant_types: ['authorization_code', 'refresh_token'],
      response_types: ['code'],
      token_endpoint_auth_method: 'none',
      application_type: 'native',
      software_id: 'allowance',
      software_version: software.version,
    },
  })
  if (answer.status !== 201 && answer.status !== 200) {
    const body = Http.isObject(answer.json) ? answer.json : {}
    const said = typeof body.error === 'string' ? `${body.error.slice(0, 64)}${typeof body.error_description === 'string' ? `: ${body.error_description.slice(0, 200)}` : ''}` : `HTTP ${answer.status}`
    throw new Discovery.DiscoveryError(`${what} refused to register Allowance (${said})`)
  }
  const body = Http.isObject(answer.json) ? answer.json : undefined
  const clientId = body?.client_id
  if (typeof clientId !== 'string' || !clientId || clientId.length > 500) throw new Discovery.DiscoveryError(`${what} answered without a client id`)
  const secret = typeof body!.client_secret === 'string' && body!.client_secret ? body!.client_secret : undefined
  const declared = body!.token_endpoint_auth_method
  const authMethod: Tokens.AuthMethod = secret === undefined ? 'none' : declared === 'client_secret_post' ? 'client_secret_post' : 'client_secret_basic'
  return { clientId, clientSecret: secret, authMethod }
}
