import { createCipheriv, createDecipheriv, createHash, randomBytes, scrypt } from 'node:crypto'
import { readFileSync, renameSync, rmSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { AsyncEntry } from '@napi-rs/keyring'

/**
 * Where secrets live: the wallet's private key and the card's Stripe key, each in its own entry of
 * the OS keychain (macOS Keychain, Windows Credential Manager, Secret Service on Linux), or, only
 * where no keychain exists, a file encrypted with a passphrase. Never plain text, never the ledger,
 * logs, environment or argv.
 */
export type SecretStore = {
  readonly kind: Kind
  read(): Promise<string | null>
  write(secret: string): Promise<void>
  erase(): Promise<boolean>
}

export type Kind = 'keychain' | 'file'

/**
 * Which secret: each has its own keychain entry and keystore file. `oauth-…` entries hold one
 * sign-in's tokens, or one OAuth client's secret (main/auth/TokenStore.ts names them).
 */
export type Name = 'wallet' | 'card' | `oauth-${string}`

export type Options = {
  /** Forces the encrypted keystore file (otherwise used only when no keychain answers). */
  store?: Kind | undefined
  /** The keystore file's passphrase. */
  passphrase?: string | undefined
}

/** The keychain entry of one secret for one data directory (each ALLOWANCE_HOME has its own). */
export function keychain(home: string, name: Name = 'wallet'): SecretStore {
  const account = `${name}-${createHash('sha256').update(home).digest('hex').slice(0, 16)}`
  // On Linux only a Secret Service keeps a secret across logins: the kernel keyring, the library's
  // fallback, forgets it at logout, and a wallet's key must never vanish with it. Where no Secret
  // Service answers, saving fails, and the key goes to a file sealed with a passphrase instead.
  // (Pinned so, the entry cannot even be made without a D-Bus session: it is made for each use.)
  const explain = (error: unknown) => new KeychainUnavailableError(`The OS keychain is not available: ${(error as Error).message}`)
  const use = <T>(operation: (entry: AsyncEntry) => Promise<T>): Promise<T> => {
    try {
      return operation(new AsyncEntry('Allowance', account, { linux: { store: 'secret-service' } })).catch((error) => Promise.reject(explain(error)))
    } catch (error) {
      return Promise.reject(explain(error))
    }
  }
  return {
    kind: 'keychain',
    read: () => use((entry) => entry.getPassword()),
    write: (secret) => use((entry) => entry.setPassword(secret)),
    erase: () => use((entry) => entry.deleteCredential()),
  }
}

export class KeychainUnavailableError extends Error {}

/** Writes the secret to the keychain, or to the encrypted file where the keychain refuses it; says which. */
export async function save(home: string, name: Name, secret: string, options: Options): Promise<Kind> {
  if (options.store !== 'file') {
    try {
      // Writing is the probe: some keychains answer reads and still refuse to store.
      await keychain(home, name).write(secret)
      return 'keychain'
    } catch (error) {
      if (!(error instanceof KeychainUnavailableError) || options.store === 'keychain') throw error
      if (!options.passphrase) throw new PassphraseNeededError(name, error.message)
    }
  }
  await open(home, name, 'file', options).write(secret)
  return 'file'
}

/** The store that holds a secret, as its settings file recorded it. */
export function open(home: string, name: Name, kind: Kind, options: Options): SecretStore {
  if (kind === 'keychain') return keychain(home, name)
  if (!options.passphrase) throw new LockedError(name)
  return encryptedFile(keystorePath(home, name), options.passphrase)
}

/** No keychain answers, and no passphrase was given to seal the secret in a file instead. */
export class PassphraseNeededError extends Error {
  constructor(name: Name, why: string) {
    super(
      `${why}. Without a keychain, Allowance keeps the ${name.startsWith('oauth-') ? 'sign-in tokens' : `${name} key`} in a file encrypted with a passphrase you choose (8+ characters): ` +
        'type one in the Allowance window (Wallet), or run the command in a terminal and type it when asked.',
    )
  }
}

/** The secret is in an encrypted file and no passphrase opens it in this process. */
export class LockedError extends Error {
  constructor(name: Name) {
    super(
      name === 'wallet'
        ? 'The wallet is locked: unlock it in the Allowance window (Wallet) or with `allowance wallet unlock`.'
        : `The ${name === 'card' ? 'card key is' : 'sign-in tokens are'} in an encrypted file and the wallet is locked: unlock it in the Allowance window (Wallet) or with \`allowance wallet unlock\`.`,
    )
  }
}

export class WrongPassphraseError extends Error {
  constructor() {
    super('That passphrase does not open the wallet (or its keystore file was altered).')
  }
}

export class WeakPassphraseError extends Error {
  constructor() {
    super('The wallet passphrase must have at least 8 characters.')
  }
}

/** Where a secret's encrypted keystore file lives, for a store of kind `file`. */
export function keystorePath(home: string, name: Name): string {
  return join(home, `${name}.keystore`)
}

/** A keystore file sealed with AES-256-GCM under a key derived from the passphrase with scrypt. */
export function encryptedFile(path: string, passphrase: string): SecretStore {
  if (passphrase.length < minimumPassphrase) throw new WeakPassphraseError()
  return {
    kind: 'file',
    async read() {
      let sealed: Sealed
      try {
        sealed = JSON.parse(readFileSync(path, 'utf8'))
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'ENOENT') return null
        throw new Error(`The keystore ${path} is unreadable: ${(error as Error).message}`)
      }
      const key = await derive(passphrase, Buffer.from(sealed.salt, 'base64'))
      const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(sealed.iv, 'base64'))
      decipher.setAuthTag(Buffer.from(sealed.tag, 'base64'))
      try {
        return Buffer.concat([decipher.update(Buffer.from(sealed.ciphertext, 'base64')), decipher.final()]).toString('utf8')
      } catch {
        throw new WrongPassphraseError()
      }
    },
    async write(secret) {
      const salt = randomBytes(16)
      const iv = randomBytes(12)
      const cipher = createCipheriv('aes-256-gcm', await derive(passphrase, salt), iv)
      const ciphertext = Buffer.concat([cipher.update(secret, 'utf8'), cipher.final()])
      const sealed: Sealed = {
        version: 1,
        kdf: { name: 'scrypt', ...scryptCost },
        salt: salt.toString('base64'),
        iv: iv.toString('base64'),
        tag: cipher.getAuthTag().toString('base64'),
        ciphertext: ciphertext.toString('base64'),
      }
      writeFileSync(`${path}.tmp`, JSON.stringify(sealed), { mode: 0o600 })
      renameSync(`${path}.tmp`, path)
    },
    async erase() {
      try {
        readFileSync(path)
      } catch {
        return false
      }
      rmSync(path)
      return true
    },
  }
}

export const minimumPassphrase = 8

type Sealed = { version: 1; kdf: { name: 'scrypt'; N: number; r: number; p: number }; salt: string; iv: string; tag: string; ciphertext: string }

const scryptCost = { N: 2 ** 16, r: 8, p: 1 }

function derive(passphrase: string, salt: Buffer): Promise<Buffer> {
  return new Promise((resolve, reject) =>
    scrypt(passphrase, salt, 32, { ...scryptCost, maxmem: 256 * 1024 * 1024 }, (error, key) => (error ? reject(error) : resolve(key))),
  )
}
