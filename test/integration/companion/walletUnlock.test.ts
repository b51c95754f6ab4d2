// A wallet on a machine with no keychain (no D-Bus session, no ALLOWANCE_WALLET_PASSPHRASE): the
// key goes to a file sealed with a passphrase a person gives, and only the running companion holds
// it open. Unlock and lock, from the CLI and from the UI API, decide whether a payment can be
// signed; a wrong passphrase changes nothing; and afterwards neither the passphrase nor the key is
// anywhere on disk, in the logs or on a command line.
import { execFileSync } from 'node:child_process'
import { readdirSync, readFileSync, statSync } from 'node:fs'
import { join } from 'node:path'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as SecretStore from '../../../main/wallet/SecretStore.js'
import * as Wallet from '../../../main/wallet/Wallet.js'
import { recipient } from '../../helpers/challenges.js'
import { cli, requestPayment } from '../../helpers/cli.js'
import { companionClient, startDaemon, withLedger, type Daemon } from '../../helpers/companion.js'
import { stopAll, temporaryHome } from '../../helpers/processes.js'
import { withoutKeychain } from '../../helpers/wallet.js'

const passphrase = 'a long typed passphrase'
const upstream = 'https://tools.example.com/mcp'
const home = temporaryHome()
/** A newcomer's terminal without a desktop session: no keychain answers. */
const env = withoutKeychain()
let daemon: Daemon

const status = () => daemon.api('GET', '/api/status').then((reply) => reply.body.wallet)
/** One payment request, as a bridge sends it; under the rule below it needs no human. */
const pay = () => {
  const client = companionClient(home.home)
  return requestPayment(client, { upstream }).result.finally(() => client.close())
}

beforeAll(async () => {
  withLedger(home.home, (db) => Rules.add(db, { kind: 'auto_approve', scope: { upstream }, recipient, unit: 'usd', amount: 50_000n, now: Date.now() }))
})
afterAll(async () => {
  await stopAll()
  home.remove()
})

describe('a wallet without a keychain', () => {
  it('is created with a piped passphrase; the CLI says the companion will need it', async () => {
    const created = await cli(home.home, ['wallet', 'create'], { input: `${passphrase}\n`, env })
    expect(created.code, created.stderr).toBe(0)
    expect(created.stderr).toContain('No OS keychain answers')
    expect(created.stdout).toMatch(/Created wallet 0x[0-9a-fA-F]{40} \(key in an encrypted keystore file\)/)
    expect(created.stdout).toContain('unlock it in the Allowance window (Wallet) or with `allowance wallet unlock`')
    expect(Wallet.info(home.home)?.store).toBe('file')
  })

  it('leaves the new companion locked: status says it cannot sign, and a payment is refused in a sentence', async () => {
    daemon = await startDaemon(home.home, [], env)
    expect(await status()).toMatchObject({ store: 'file', locked: true, canSign: false, problem: expect.stringContaining('allowance wallet unlock') })
    const decision = await pay()
    expect(decision).toMatchObject({ kind: 'declined', reason: 'wallet_locked', message: expect.stringContaining('The wallet is locked') })
    expect(withLedger(home.home, (db) => Payments.get(db, decision.paymentId!)?.state)).toBe('failed')
    const shown = await cli(home.home, ['status'], { env })
    expect(shown.stdout).toMatch(/Wallet:\s+locked/)
    // The doctor asks the running companion, not the files: the wallet is there, and cannot sign.
    const doctor = await cli(home.home, ['doctor', '--json'], { env: { ...env, ALLOWANCE_HOSTS_HOME: home.home } })
    expect(doctor.code).toBe(1)
    expect(JSON.parse(doctor.stdout).problems).toContainEqual({
      subject: 'Wallet',
      problem: expect.stringMatching(/^The running companion holds the wallet 0x[0-9a-fA-F]{40} locked, so it cannot sign a payment\.$/),
      fix: 'Unlock it in the Allowance window (Wallet) or with allowance wallet unlock.',
    })
  })

  it('refuses a wrong passphrase from the CLI and changes nothing', async () => {
    const wrong = await cli(home.home, ['wallet', 'unlock'], { input: 'not the passphrase\n', env })
    expect(wrong.code).toBe(1)
    expect(wrong.stderr.trim()).toBe('allowance: That passphrase does not open the wallet (or its keystore file was altered).')
    expect(await status()).toMatchObject({ locked: true, canSign: false })
  })

  it('unlocks from the CLI: the next payment is signed', async () => {
    const unlocked = await cli(home.home, ['wallet', 'unlock'], { input: `${passphrase}\n`, env })
    expect(unlocked.code, unlocked.stderr).toBe(0)
    expect(unlocked.stdout).toContain('Unlocked wallet')
    expect(await status()).toMatchObject({ locked: false, canSign: true })
    const doctor = JSON.parse((await cli(home.home, ['doctor', '--json'], { env: { ...env, ALLOWANCE_HOSTS_HOME: home.home } })).stdout)
    expect(doctor.problems.filter((problem: { subject: string }) => problem.subject === 'Wallet')).toEqual([])
    expect(await pay()).toMatchObject({ kind: 'approved', credential: { payload: { signature: expect.stringMatching(/^0x/) } } })
  })

  it('locks and unlocks from the UI; a wrong passphrase there is refused too', async () => {
    expect(await daemon.api('POST', '/api/wallet/lock')).toMatchObject({ status: 200, body: { locked: true } })
    expect(await pay()).toMatchObject({ kind: 'declined', reason: 'wallet_locked' })
    expect(await daemon.api('POST', '/api/wallet/unlock', { passphrase: 'wrong one!' })).toMatchObject({ status: 403, body: { error: expect.stringContaining('does not open') } })
    expect(await daemon.api('GET', '/api/wallet')).toMatchObject({ body: { locked: true } })
    expect(await daemon.api('POST', '/api/wallet/unlock', { passphrase })).toMatchObject({ status: 200, body: { locked: false } })
    expect(await pay()).toMatchObject({ kind: 'approved' })
  })

  it('locks from the CLI; the environment variable does not reopen it', async () => {
    const locked = await cli(home.home, ['wallet', 'lock'], { env: { ...env, ALLOWANCE_WALLET_PASSPHRASE: passphrase } })
    expect(locked.stdout).toContain('Locked wallet')
    expect(await status()).toMatchObject({ locked: true, canSign: false })
  })

  it('leaves the passphrase and the key nowhere but the sealed file', async () => {
    const key = (await SecretStore.encryptedFile(SecretStore.keystorePath(home.home, 'wallet'), passphrase).read())!
    const secrets = [passphrase, key.slice(2)]
    const files = walk(home.home)
    expect(files.some((file) => file.includes('logs'))).toBe(true)
    for (const file of files) {
      const text = readFileSync(file).toString('latin1')
      for (const secret of secrets) expect(text.includes(secret), `${file} holds a secret`).toBe(false)
    }
    const processes = execFileSync('ps', ['-eo', 'args'], { encoding: 'utf8' })
    for (const secret of secrets) expect(processes.includes(secret)).toBe(false)
    expect(daemon.stderr().includes(passphrase)).toBe(false)
  })
})

it('unlock without a running companion says to start one, and changes nothing', async () => {
  const other = temporaryHome()
  try {
    await cli(other.home, ['wallet', 'create'], { input: `${passphrase}\n`, env })
    const run = await cli(other.home, ['wallet', 'unlock'], { input: `${passphrase}\n`, env })
    expect(run.code).toBe(1)
    expect(run.stderr).toContain('No Allowance companion is running')
  } finally {
    other.remove()
  }
})

function walk(directory: string): string[] {
  return readdirSync(directory).flatMap((name) => {
    const path = join(directory, name)
    const kind = statSync(path)
    return kind.isDirectory() ? walk(path) : kind.isFile() ? [path] : [] // the socket is no file to read
  })
}
