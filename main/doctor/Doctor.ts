import { CompanionUnavailableError, status as companionStatus } from '../wire/Client.js'
import type { WalletStatus } from '../wire/Messages.js'
import * as Entry from '../hosts/Entry.js'
import * as Host from '../hosts/Host.js'
import * as Hosts from '../hosts/Hosts.js'
import * as Inventory from '../hosts/Inventory.js'
import * as Upstream from '../hosts/Upstream.js'
import * as Home from '../shared/Home.js'
import * as Card from '../wallet/Card.js'
import * as Wallet from '../wallet/Wallet.js'
import * as Launch from './Launch.js'
import * as PaymentSetup from './PaymentSetup.js'

/**
 * What `allowance doctor` finds, as plain JSON: every host's MCP entries and whether they go
 * through Allowance, whether each Allowance entry starts and reaches its upstream, whether the
 * companion answers, and what can pay. Entries' `env` never appears in it, nor any key (only the
 * wallet's address and the card's label); a local server's command line appears with the arguments
 * that look like secrets, and the values of flags such as `--token`, masked as ••••. The command
 * line of an entry that goes through Allowance is its upstream as the ledger names it.
 */
export type Report = {
  ok: boolean
  hosts: HostReport[]
  /** `wallet`: whether the running companion could sign a payment now (its key read, or unlocked). */
  companion: { running: true; pid: number; version: string; wallet: WalletStatus | null } | { running: false; reason: string }
  payment: PaymentSetup.Setup
  /** Each in plain sentences: what is wrong, and what to do about it. */
  problems: Problem[]
}

export type HostReport = Omit<Inventory.HostConfig, 'files'> & { files: (Omit<Inventory.File, 'servers'> & { servers: ServerReport[] })[] }

/**
 * An entry as listed; `check` is how starting it went (Allowance entries only, when launching),
 * and `reinstall` the command that writes an entry that does not start again for this Allowance.
 */
export type ServerReport = Omit<Inventory.Server, 'stdio'> & { check?: Launch.Result; reinstall?: string }

export type Problem = { subject: string; problem: string; fix: string }

/** How long the companion may take to answer on its socket. */
const companionTimeoutMs = 3000

/** Looks at this machine (or the fixture `where` and `dataHome`); changes nothing but starting each Allowance entry once. */
export async function inspect(options: inspect.Options = {}): Promise<Report> {
  const { dataHome = Home.resolve(), where = Host.here(), launch = true, timeoutMs = Launch.defaultTimeoutMs } = options
  const configs = Inventory.scan(where)
  const [hosts, companion, payment] = await Promise.all([
    Promise.all(configs.map((config) => check(config, launch, timeoutMs, where))),
    companionStatus(Home.paths(dataHome).socket, companionTimeoutMs).then(
      ({ pid, version, wallet }) => ({ running: true, pid, version, wallet }) as const,
      (error: Error) => ({ running: false, reason: error instanceof CompanionUnavailableError ? 'nothing listens on its socket' : error.message }) as const,
    ),
    PaymentSetup.inspect(dataHome),
  ])
  const setup = paymentProblems(payment)
  // A key missing from its store is said once, by the setup's line, not again as the companion's.
  const running = companionProblems(companion).filter((problem) => problem.subject !== 'Wallet' || !setup.some((other) => other.subject === 'Wallet'))
  const problems = [...hostProblems(hosts), ...running, ...setup]
  return { ok: problems.length === 0, hosts, companion, payment, problems }
}

/**
 * The hosts' entries as listed, and what is wrong with them that their files and the data directory
 * tell: no entry started, no keychain read, no connection to the companion. The Servers screen
 * shows this on every load; `inspect` is the full check.
 */
export function entries(options: { dataHome: string; where: Host.Where }): { hosts: HostReport[]; problems: Problem[] } {
  const hosts = Inventory.scan(options.where).map((config) => ({
    ...config,
    files: config.files.map((file) => ({ ...file, servers: file.servers.map(({ stdio: _, ...server }): ServerReport => server) })),
  }))
  const canPay = Wallet.info(options.dataHome) !== undefined || Card.info(options.dataHome) !== undefined
  return { hosts, problems: [...hostProblems(hosts), ...(canPay ? [] : [nothingCanPay])] }
}

export declare namespace inspect {
  type Options = {
    /** The Allowance data directory (default: ALLOWANCE_HOME or the OS's). */
    dataHome?: string
    /** Where the hosts' files are; with `directory`, its project-scoped files too. */
    where?: Host.Where
    /** Start each Allowance entry and complete `initialize` (default true). */
    launch?: boolean
    timeoutMs?: number
  }
}

async function check(config: Inventory.HostConfig, launch: boolean, timeoutMs: number, where: Host.Where): Promise<HostReport> {
  const host = Hosts.find(config.host.id)!
  const files = await Promise.all(
    config.files.map(async (file) => ({
      ...file,
      servers: await Promise.all(
        file.servers.map(async ({ stdio, ...server }): Promise<ServerReport> => {
          if (!launch || !server.throughAllowance || !stdio) return server
          const check = await Launch.initialize(stdio, timeoutMs)
          if (check.status !== 'failed' || check.stage === 'initialize') return { ...server, check }
          const scoped = !host.files({ ...where, directory: undefined }).includes(file.path)
          return { ...server, check, reinstall: reinstall(host.id, server.name, Entry.bridgeArguments(stdio), scoped ? file.path : undefined) }
        }),
      ),
    })),
  )
  return { ...config, files }
}

/** `allowance install …` for the same upstream; none when a header holds a literal secret, which is never printed. */
function reinstall(hostId: string, name: string, bridgeArgs: readonly string[] | undefined, config: string | undefined): string | undefined {
  if (!bridgeArgs || bridgeArgs.some(Upstream.isLiteralSecret)) return undefined
  return ['allowance', 'install', hostId, name, ...(config ? ['--config', config] : []), ...bridgeArgs].map(quote).join(' ')
}

function hostProblems(hosts: readonly HostReport[]): Problem[] {
  const problems: Problem[] = []
  for (const config of hosts) {
    for (const file of config.files) {
      if (file.error) {
        problems.push({
          subject: `${config.host.title}: ${file.path}`,
          problem: `The file ${file.error}, so ${config.host.title} cannot read it either.`,
          fix: 'Correct it by hand (Allowance keeps a backup of each file it changed beside it), then run allowance doctor again.',
        })
      }
      for (const server of file.servers) {
        if (server.check?.status !== 'failed') continue
        const subject = `${config.host.title} "${server.name}"`
        problems.push({ subject, problem: `The entry goes through Allowance but does not work: ${server.check.error.replace(/\.$/, '')}.`, fix: entryFix(config.host.id, server, server.check) })
      }
    }
  }
  if (!hosts.some((config) => config.files.some((file) => file.servers.some((server) => server.throughAllowance)))) {
    problems.push({
      subject: 'Agent hosts',
      problem: 'No agent host on this machine goes through Allowance yet, so no agent can pay.',
      fix: 'Add a paid server with allowance install <host> <name> <url>, or route an existing one with allowance install --wrap <host> <name>.',
    })
  }
  return problems
}

function entryFix(hostId: string, server: ServerReport, check: Launch.Result & { status: 'failed' }): string {
  if (check.stage === 'initialize') {
    return `Check that ${server.upstream ?? 'its upstream'} is up and reachable from this machine, and that every \${VAR} in its headers is set in the host's environment.`
  }
  const again = server.reinstall ?? `allowance install ${hostId} ${server.name} with its URL (or --stdio -- and its command)`
  const unset = /uses \$\{(\w+)\}, which is not set/.exec(check.error)?.[1]
  if (unset) return `Set ${unset} in the entry's "env" (or in the environment the host starts with).`
  if (check.stage === 'arguments') return `Correct its arguments by hand, or write it again with ${again}.`
  return `Write it again for this Allowance with ${again}, or remove it with allowance uninstall ${hostId} ${server.name}.`
}

function companionProblems(companion: Report['companion']): Problem[] {
  if (companion.running) {
    const { wallet } = companion
    if (!wallet || wallet.canSign) return []
    return [
      wallet.locked
        ? {
            subject: 'Wallet',
            problem: `The running companion holds the wallet ${wallet.address} locked, so it cannot sign a payment.`,
            fix: 'Unlock it in the Allowance window (Wallet) or with allowance wallet unlock.',
          }
        : { subject: 'Wallet', problem: `The running companion cannot sign with the wallet ${wallet.address}: ${wallet.problem ?? 'its key could not be read'}`, fix: 'Unlock your OS keychain, then check again with allowance status (its Wallet line asks the running companion).' },
    ]
  }
  return [
    {
      subject: 'Companion',
      problem: `The companion is not running (${companion.reason}), so no payment can be approved right now.`,
      fix: 'Start it with allowance start; a bridge also starts it at the first paid call.',
    },
  ]
}

const nothingCanPay: Problem = {
  subject: 'Payment',
  problem: 'Nothing can pay: there is no wallet and no card.',
  fix: 'Create a wallet with allowance wallet create (or bring a key with allowance wallet import < key.txt), or add a card with allowance card add < stripe-key.txt.',
}

function paymentProblems(payment: PaymentSetup.Setup): Problem[] {
  const problems: Problem[] = []
  const { wallet, card, keychain } = payment
  if (!wallet && !card) problems.push(nothingCanPay)
  if (wallet?.keyPresent === false) {
    problems.push({
      subject: 'Wallet',
      problem: `The wallet ${wallet.address} is recorded, but its key is missing from ${Wallet.where(wallet)}.`,
      fix: 'Forget it with allowance wallet remove, then import the key again with allowance wallet import < key.txt.',
    })
  }
  if (card?.keyPresent === false) {
    problems.push({
      subject: 'Card',
      problem: `The card ${card.label} is recorded, but its Stripe key is missing from ${Wallet.where(card)}.`,
      fix: 'Forget it with allowance card remove, then add it again with allowance card add < stripe-key.txt.',
    })
  }
  const keychainNeeded = wallet?.store !== 'file' || (card !== undefined && card.store !== 'file')
  if (!keychain.reachable && keychainNeeded) {
    problems.push({
      subject: 'Keychain',
      problem: `The OS keychain does not answer: ${keychain.error}.`,
      fix: 'Start and unlock your keychain (on Linux a Secret Service such as gnome-keyring or KeePassXC), or keep keys in a file sealed with a passphrase instead: remove the wallet and create it again where no keychain answers, and Allowance asks for one.',
    })
  }
  return problems
}

/** A word as a POSIX shell reads it back. */
function quote(word: string): string {
  return /^[\w@%+=:,./-]+$/.test(word) ? word : `'${word.replace(/'/g, `'\\''`)}'`
}
