import { mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { generatePrivateKey, privateKeyToAccount, type PrivateKeyAccount } from 'viem/accounts'
import * as Secp256k1 from './Secp256k1.js'
import * as SecretStore from './SecretStore.js'

/**
 * The user's wallet: one EVM key (it pays `evm` and `tempo` charges), kept in a secret store.
 * `wallet.json` beside it records only the address and which store holds the key, so showing
 * the address never unlocks anything.
 */
export type Info = { address: `0x${string}`; store: SecretStore.Kind }

export class NoWalletError extends Error {
  constructor() {
    super('There is no wallet yet: create one with `allowance wallet create` or import a key with `allowance wallet import`.')
  }
}

/** Where a key (the wallet's or the card's) is kept, for a sentence: "the OS keychain" or "an encrypted keystore file". */
export function where(info: Pick<Info, 'store'>): string {
  return info.store === 'keychain' ? 'the OS keychain' : 'an encrypted keystore file'
}

export function info(home: string): Info | undefined {
  try {
    const parsed = JSON.parse(readFileSync(infoPath(home), 'utf8')) as Info
    if (/^0x[0-9a-fA-F]{40}$/.test(parsed.address) && (parsed.store === 'keychain' || parsed.store === 'file')) return parsed
  } catch {}
  return undefined
}

/** Creates a new key in the store. Refuses to replace an existing wallet. */
export async function create(home: string, options: Options = {}): Promise<Info> {
  return save(home, generatePrivateKey(), options)
}

/** Imports a private key (0x-prefixed or bare 64 hex digits). Refuses to replace an existing wallet. */
export async function importKey(home: string, key: string, options: Options = {}): Promise<Info> {
  const normalized = key.trim().replace(/^(0x)?/, '0x')
  if (!/^0x[0-9a-fA-F]{64}$/.test(normalized)) throw new Error('That is not a private key (64 hexadecimal digits, optionally prefixed with 0x).')
  return save(home, normalized as `0x${string}`, options)
}

/** The signing account, read from the store. */
export async function account(home: string, options: Options = {}): Promise<PrivateKeyAccount> {
  const current = info(home)
  if (!current) throw new NoWalletError()
  const key = await SecretStore.open(home, 'wallet', current.store, options).read()
  if (!key) throw new Error(`The wallet ${current.address} is recorded but its key is missing from the ${current.store === 'keychain' ? 'OS keychain' : 'keystore file'}.`)
  const signer = privateKeyToAccount(key as `0x${string}`)
  if (signer.address.toLowerCase() !== current.address.toLowerCase()) throw new Error('The stored key does not match the recorded wallet address.')
  return Secp256k1.withFastSignatures(signer, key as `0x${string}`)
}

/** Deletes the key from its store and forgets the wallet. */
export async function remove(home: string, options: Options = {}): Promise<Info | undefined> {
  const current = info(home)
  if (!current) return undefined
  await SecretStore.open(home, 'wallet', current.store, options).erase()
  rmSync(infoPath(home), { force: true })
  return current
}

export type Options = SecretStore.Options

async function save(home: string, key: `0x${string}`, options: Options): Promise<Info> {
  mkdirSync(home, { recursive: true, mode: 0o700 })
  const release = claimCreation(home)
  try {
    const existing = info(home)
    if (existing) throw new Error(`A wallet already exists (${existing.address}); remove it first with \`allowance wallet remove\`.`)
    const store = await SecretStore.save(home, 'wallet', key, options)
    const created: Info = { address: privateKeyToAccount(key).address, store }
    writeFileSync(infoPath(home), `${JSON.stringify(created, null, 2)}\n`, { mode: 0o600 })
    return created
  } finally {
    release()
  }
}

/**
 * Makes this the only wallet creation under way for `home` (the CLI, the UI or two of its tabs
 * could race): two at once would both pass the "no wallet yet" check, and the second key would
 * replace the first in the keychain after the first address had been shown, and perhaps funded.
 * The claim is a file holding the creator's pid; one left by a process that died is taken over.
 */
function claimCreation(home: string): () => void {
  const path = join(home, 'wallet.creating')
  for (let attempt = 0; ; attempt++) {
    try {
      writeFileSync(path, String(process.pid), { flag: 'wx', mode: 0o600 })
      return () => rmSync(path, { force: true })
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error
      let owner: number
      try {
        owner = Number(readFileSync(path, 'utf8').trim() || Number.NaN)
      } catch (reading) {
        if ((reading as NodeJS.ErrnoException).code === 'ENOENT') continue // released meanwhile: claim again
        throw reading
      }
      // An unreadable pid is a claim being written this instant: busy, like a live owner.
      if (attempt > 0 || !Number.isSafeInteger(owner) || isAlive(owner)) throw new Error('A wallet is being created right now; try again in a moment.')
      rmSync(path, { force: true })
    }
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0)
    return true
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM'
  }
}

export function infoPath(home: string): string {
  return join(home, 'wallet.json')
}
