import { createHash } from 'node:crypto'
import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import * as SecretStore from '../wallet/SecretStore.js'
import type * as Tokens from './Tokens.js'

/**
 * Who is signed in where, and with which client. `auth.json` in ALLOWANCE_HOME records only what
 * is safe to show (server, authorization server, account, scopes, expiry, endpoints, client id);
 * the tokens of each sign-in, and each client's secret, are in an entry of their own in the OS
 * keychain (or a file sealed with the wallet's passphrase where there is none), keyed by server
 * and issuer. Tokens are never written anywhere else: not to this file, logs, the ledger or argv.
 * The companion is this file's only writer.
 */
export type SignIn = {
  /** The MCP server as bridges name it (its URL). Its tokens go to this server only. */
  server: string
  /** The resource indicator the tokens were issued for. */
  resource: string
  /** The server's name for people, as its metadata gave it. */
  name?: string | undefined
  issuer: string
  /** Whom the tokens act as, when the authorization server said (an id token's email, name or subject). */
  account?: string | undefined
  scopes: string[]
  clientId: string
  authMethod: Tokens.AuthMethod
  /** How Allowance is known to the authorization server: a metadata document, a registration, or the user's own client. */
  clientKind: ClientKind
  tokenEndpoint: string
  revocationEndpoint?: string | undefined
  store: SecretStore.Kind
  signedInAt: number
  /** When the access token expires (epoch ms), if the server said. */
  expiresAt?: number | undefined
  refreshable: boolean
}

export type ClientKind = 'metadata-document' | 'registered' | 'static'

/** A client Allowance registered with an authorization server (RFC 7591), or one the user gave for a server. */
export type Client =
  | { kind: 'registered'; issuer: string; redirectUri: string; clientId: string; authMethod: Tokens.AuthMethod; secret: boolean; store?: SecretStore.Kind | undefined }
  | { kind: 'static'; server: string; issuer?: string | undefined; clientId: string; secret: boolean; store?: SecretStore.Kind | undefined }

/** A client as given to {@link saveClient}: where its secret goes is decided there. */
export type NewClient = Client extends infer each ? (each extends Client ? Omit<each, 'store' | 'secret'> : never) : never

type Index = { version: 1; signIns: SignIn[]; clients: Client[] }

/** What the keychain entry of a sign-in holds. */
export type Secrets = { accessToken: string; refreshToken?: string | undefined }

export function indexPath(home: string): string {
  return join(home, 'auth.json')
}

export function read(home: string): Index {
  try {
    const parsed = JSON.parse(readFileSync(indexPath(home), 'utf8')) as Partial<Index>
    return { version: 1, signIns: Array.isArray(parsed.signIns) ? parsed.signIns : [], clients: Array.isArray(parsed.clients) ? parsed.clients : [] }
  } catch {
    return { version: 1, signIns: [], clients: [] }
  }
}

function write(home: string, index: Index): void {
  mkdirSync(home, { recursive: true, mode: 0o700 })
  const path = indexPath(home)
  writeFileSync(`${path}.tmp`, `${JSON.stringify(index, null, 2)}\n`, { mode: 0o600 })
  renameSync(`${path}.tmp`, path)
}

/** Every sign-in, newest first. */
export function signIns(home: string): SignIn[] {
  return [...read(home).signIns].sort((a, b) => b.signedInAt - a.signedInAt)
}

/** The newest sign-in for `server` (with `issuer`, if given). */
export function find(home: string, server: string, issuer?: string): SignIn | undefined {
  return signIns(home).find((entry) => entry.server === server && (issuer === undefined || entry.issuer === issuer))
}

/** Stores a sign-in's tokens, then records it, replacing the one for the same server and issuer. */
export async function save(home: string, entry: Omit<SignIn, 'store'>, secrets: Secrets, options: SecretStore.Options): Promise<SignIn> {
  const store = await SecretStore.save(home, secretName(entry.server, entry.issuer), JSON.stringify(secrets), options)
  const saved: SignIn = { ...entry, store }
  const index = read(home)
  index.signIns = [...index.signIns.filter((other) => !(other.server === entry.server && other.issuer === entry.issuer)), saved]
  write(home, index)
  return saved
}

/** The tokens of a sign-in; undefined when its entry is gone or unreadable as tokens. */
export async function secrets(home: string, entry: SignIn, options: SecretStore.Options): Promise<Secrets | undefined> {
  const text = await SecretStore.open(home, secretName(entry.server, entry.issuer), entry.store, options).read()
  if (!text) return undefined
  try {
    const value = JSON.parse(text) as Secrets
    return typeof value.accessToken === 'string' ? value : undefined
  } catch {
    return undefined
  }
}

/** Replaces a sign-in's tokens after a refresh; `expiresAt`, `scopes` and `refreshable` follow. */
export async function update(home: string, entry: SignIn, secrets: Secrets, changes: Pick<SignIn, 'expiresAt' | 'scopes' | 'refreshable'>, options: SecretStore.Options): Promise<SignIn> {
  return save(home, { ...entry, ...changes }, secrets, { ...options, store: entry.store })
}

/** Forgets a sign-in: its keychain entry and its line here. Resolves what was removed. */
export async function remove(home: string, entry: SignIn, options: SecretStore.Options): Promise<void> {
  try {
    await SecretStore.open(home, secretName(entry.server, entry.issuer), entry.store, options).erase()
  } finally {
    const index = read(home)
    index.signIns = index.signIns.filter((other) => !(other.server === entry.server && other.issuer === entry.issuer))
    write(home, index)
  }
}

export function clients(home: string): Client[] {
  return read(home).clients
}

/** Records a client, and its secret in the keychain (or sealed file) when it has one. */
export async function saveClient(home: string, client: NewClient, secret: string | undefined, options: SecretStore.Options): Promise<Client> {
  const store = secret === undefined ? undefined : await SecretStore.save(home, clientSecretName(client), secret, options)
  const saved = { ...client, secret: secret !== undefined, ...(store && { store }) } as Client
  const index = read(home)
  index.clients = [...index.clients.filter((other) => !sameClient(other, saved)), saved]
  write(home, index)
  return saved
}

export async function clientSecret(home: string, client: Client, options: SecretStore.Options): Promise<string | undefined> {
  if (!client.secret || !client.store) return undefined
  return (await SecretStore.open(home, clientSecretName(client), client.store, options).read()) ?? undefined
}

export async function removeClient(home: string, client: Client, options: SecretStore.Options): Promise<void> {
  try {
    if (client.secret && client.store) await SecretStore.open(home, clientSecretName(client), client.store, options).erase()
  } finally {
    const index = read(home)
    index.clients = index.clients.filter((other) => !sameClient(other, client))
    write(home, index)
  }
}

/** Records the issuer a static client was first used with (it is bound to it from then on). */
export function bindStaticClient(home: string, server: string, issuer: string): void {
  const index = read(home)
  index.clients = index.clients.map((client) => (client.kind === 'static' && client.server === server && client.issuer === undefined ? { ...client, issuer } : client))
  write(home, index)
}

function sameClient(a: Client, b: Client): boolean {
  if (a.kind === 'static' || b.kind === 'static') return a.kind === b.kind && (a as { server: string }).server === (b as { server: string }).server
  return a.issuer === b.issuer && a.redirectUri === b.redirectUri
}

function secretName(server: string, issuer: string): SecretStore.Name {
  return `oauth-${digest(`${server}\n${issuer}`)}`
}

function clientSecretName(client: Pick<Client, 'kind'> & { issuer?: string | undefined; server?: string; redirectUri?: string; clientId: string }): SecretStore.Name {
  return `oauth-client-${digest(client.kind === 'static' ? `static\n${client.server}` : `registered\n${client.issuer}\n${client.redirectUri}`)}`
}

function digest(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 16)
}
