import { readFileSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, describe, expect, it } from 'vitest'
import * as SecretStore from '../../../main/wallet/SecretStore.js'
import * as Wallet from '../../../main/wallet/Wallet.js'
import { temporaryHome } from '../../helpers/processes.js'

const key = '0x5de4111afa1a4b94908f83103eb1f1706367c2e68ca870fc3fb9a804cdab365a'
const address = '0x3C44CdDdB6a900fa2b585dd299e03d12FA4293BC'
const homes: { remove(): void }[] = []
function home(): string {
  const created = temporaryHome()
  homes.push(created)
  return created.home
}
afterAll(() => homes.forEach((created) => created.remove()))

describe('the wallet in the OS keychain', () => {
  it('keeps the key in the keychain, only the address on disk, and removes it on request', async () => {
    const directory = home()
    expect(await Wallet.importKey(directory, key)).toEqual({ address, store: 'keychain' })
    expect(readFileSync(join(directory, 'wallet.json'), 'utf8')).not.toContain(key.slice(2))
    expect(await SecretStore.keychain(directory).read()).toBe(key)
    expect((await Wallet.account(directory)).address).toBe(address)
    await expect(Wallet.create(directory)).rejects.toThrow(/A wallet already exists \(0x3C44/)
    expect(await Wallet.remove(directory)).toEqual({ address, store: 'keychain' })
    expect(await SecretStore.keychain(directory).read()).toBeNull()
    expect(Wallet.info(directory)).toBeUndefined()
  })

  it('creates one wallet when two creations race, and its key is the one in the keychain', async () => {
    const directory = home()
    const results = await Promise.allSettled([Wallet.create(directory), Wallet.create(directory)])
    const created = results.flatMap((result) => (result.status === 'fulfilled' ? [result.value] : []))
    expect(created).toHaveLength(1)
    expect(results.find((result) => result.status === 'rejected')).toMatchObject({ reason: { message: 'A wallet is being created right now; try again in a moment.' } })
    expect(Wallet.info(directory)).toEqual(created[0])
    expect((await Wallet.account(directory)).address).toBe(created[0]!.address)
    expect(await Wallet.create(directory).catch((error: Error) => error.message)).toMatch(/^A wallet already exists/)
  })

  it('takes over the claim of a creation whose process died', async () => {
    const directory = home()
    writeFileSync(join(directory, 'wallet.creating'), '999999999')
    expect((await Wallet.create(directory)).store).toBe('keychain')
  })

  it('refuses what is not a private key, and writes nothing', async () => {
    const directory = home()
    await expect(Wallet.importKey(directory, 'not a key')).rejects.toThrow('That is not a private key')
    expect(Wallet.info(directory)).toBeUndefined()
  })
})

describe('the encrypted keystore file, where no keychain exists', () => {
  it('seals the key with the passphrase: no plain text on disk, a wrong passphrase is a clear error', async () => {
    const directory = home()
    expect(await Wallet.importKey(directory, key, { store: 'file', passphrase: 'correct horse' })).toEqual({ address, store: 'file' })
    const sealed = readFileSync(join(directory, 'wallet.keystore'), 'utf8')
    expect(sealed).not.toContain(key.slice(2))
    expect(JSON.parse(sealed)).toMatchObject({ version: 1, kdf: { name: 'scrypt' } })
    expect((await Wallet.account(directory, { passphrase: 'correct horse' })).address).toBe(address)
    await expect(Wallet.account(directory, { passphrase: 'wrong horse!' })).rejects.toThrow(SecretStore.WrongPassphraseError)
    await expect(Wallet.account(directory)).rejects.toThrow('allowance wallet unlock')
  })

  it('refuses a short passphrase', () => {
    expect(() => SecretStore.encryptedFile(join(home(), 'k'), 'short')).toThrow('at least 8 characters')
  })
})
