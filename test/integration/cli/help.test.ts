// `allowance --help` and every subcommand's: exit 0, one layout, every flag the command accepts
// explained, an example each, and nothing started (the daemon, the demo and the bridge only print).
import { describe, expect, it } from 'vitest'
import { cli, homes } from '../../helpers/cli.js'

const home = homes()

/** Each subcommand and the module that parses its flags (none: the command takes no flags). */
const commands: Record<string, () => Promise<object>> = {
  bridge: () => import('../../../main/cli/bridgeCommand.js'),
  start: () => import('../../../main/cli/startCommand.js'),
  daemon: () => import('../../../main/cli/daemonCommand.js'),
  status: () => import('../../../main/cli/statusCommand.js'),
  doctor: () => import('../../../main/cli/doctorCommand.js'),
  install: () => import('../../../main/cli/installCommand.js'),
  uninstall: () => import('../../../main/cli/installCommand.js'),
  wallet: () => import('../../../main/cli/walletCommand.js'),
  card: () => import('../../../main/cli/cardCommand.js'),
  rules: () => import('../../../main/cli/rulesCommand.js'),
  budget: () => import('../../../main/cli/budgetCommand.js'),
  leases: () => import('../../../main/cli/leasesCommand.js'),
  subscriptions: () => import('../../../main/cli/subscriptionsCommand.js'),
  shares: () => import('../../../main/cli/sharesCommand.js'),
  pause: () => import('../../../main/cli/pauseCommand.js'),
  resume: () => import('../../../main/cli/pauseCommand.js'),
  rechallenge: () => import('../../../main/cli/rechallengeCommand.js'),
  history: () => import('../../../main/cli/historyCommand.js'),
  servers: () => import('../../../main/cli/serversCommand.js'),
  auth: () => import('../../../main/cli/authCommand.js'),
  demo: () => import('../../../main/cli/demoCommand.js'),
}

describe('allowance --help', () => {
  it('lists every command, its environment and examples', async () => {
    const run = await cli(await home(), ['--help'])
    expect(run.code).toBe(0)
    expect(run.stdout).toMatch(/^Usage:\n {2}allowance <command>/)
    const listed = /\nCommands:\n([\s\S]*?)\n\n/.exec(run.stdout)![1]!
    for (const command of Object.keys(commands)) expect(listed).toMatch(new RegExp(`^ {2}(\\S+, )?${command}\\b`, 'm'))
    for (const variable of ['ALLOWANCE_HOME', 'ALLOWANCE_HOSTS_HOME', 'ALLOWANCE_WALLET_PASSPHRASE']) expect(run.stdout).toContain(variable)
    expect(run.stdout).toMatch(/\nExamples:\n {2}allowance /)
    expect((await cli(await home(), ['help'])).stdout).toBe(run.stdout)
  })

  it.each(Object.keys(commands))('allowance %s --help explains every flag, with an example', async (command) => {
    const directory = await home()
    const run = await cli(directory, [command, '--help'])
    expect(run).toMatchObject({ code: 0, stderr: '' })
    const synopsis = /^Usage:\n([\s\S]*?)\n\n/.exec(run.stdout)![1]!
    expect(synopsis).toMatch(new RegExp(`^ {2}allowance ${command}\\b`, 'm'))
    const options = /\nOptions:\n([\s\S]*?)(\n\n|$)/.exec(run.stdout)![1]!
    const module = await commands[command]!()
    const flags = 'flags' in module ? (module.flags as object) : {}
    for (const flag of [...Object.keys(flags), 'help']) expect(options).toMatch(new RegExp(`^ {2}(-\\w, )?--${flag}\\b.* {3}\\S`, 'm'))
    expect(run.stdout).toMatch(/\nExamples?:\n {2}allowance /)
    expect((await cli(directory, [command, '-h'])).stdout).toBe(run.stdout)
    expect((await cli(directory, ['help', command])).stdout).toBe(run.stdout)
  })

  it('answers a wrong command line with one sentence and where its help is, with exit code 2', async () => {
    const directory = await home()
    expect(await cli(directory, ['rules', 'add', 'auto-approve'])).toEqual({ code: 2, stdout: '', stderr: 'allowance: give the auto-approve amount per call, like 0.05.\nSee `allowance rules --help`.\n' })
    expect(await cli(directory, ['budgets', 'set', '1', '--period'])).toEqual({ code: 2, stdout: '', stderr: 'allowance: --period needs a value.\nSee `allowance budgets --help`.\n' })
    expect(await cli(directory, ['auth', 'login'])).toEqual({ code: 2, stdout: '', stderr: 'allowance: which server? Give its URL, as the agent host reaches it.\nSee `allowance auth --help`.\n' })
    expect(await cli(directory, ['frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'allowance: unknown command "frobnicate".\nSee `allowance --help`.\n' })
    expect(await cli(directory, ['help', 'frobnicate'])).toEqual({ code: 2, stdout: '', stderr: 'allowance: unknown command "frobnicate".\nSee `allowance --help`.\n' })
  })
})
