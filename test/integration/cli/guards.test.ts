// What keeps a slip at the keyboard from becoming policy: a rule or budget that would replace
// another says which and needs --replace; one for a server Allowance has never seen needs --force.
// A refusal is one sentence, exit code 2, and leaves the data directory as it was.
import { mkdirSync, writeFileSync } from 'node:fs'
import { join } from 'node:path'
import { describe, expect, it, vi } from 'vitest'
import { cli, files, homes, ok, requestPayment } from '../../helpers/cli.js'
import { recipient } from '../../helpers/challenges.js'
import { companionClient, startDaemon } from '../../helpers/companion.js'

const home = homes()
const upstream = 'https://tools.example.com/mcp'

/** Runs a command that must be refused, and checks it said `sentence` and changed nothing. */
async function refused(directory: string, args: string[], sentence: string, help: string) {
  const before = files(directory)
  expect(await cli(directory, args)).toEqual({ code: 2, stdout: '', stderr: `allowance: ${sentence}\nSee \`allowance ${help} --help\`.\n` })
  expect(files(directory)).toEqual(before)
}

describe('a rule or budget that would replace another', () => {
  it('is refused, naming the one it would replace, and replaces it with --replace; the companion then decides by the new one', async () => {
    const directory = await home({ wallet: true })
    await ok(directory, ['rules', 'add', 'auto-approve', '0.05', '--server', upstream, '--recipient', recipient, '--force'])
    await refused(
      directory,
      ['rules', 'add', 'auto-approve', '0.10', '--server', upstream, '--recipient', recipient.toLowerCase()],
      `rule 1 already says: pay without asking up to $0.05 per call (https://tools.example.com/mcp, to ${recipient}); give --replace to replace it.`,
      'rules',
    )
    // Another kind, host or recipient is another rule, not a replacement.
    expect(await ok(directory, ['rules', 'add', 'limit', '1', '--server', upstream])).toBe('Rule 2: decline anything above $1.00 per call (https://tools.example.com/mcp).\n')
    await ok(directory, ['rules', 'add', 'auto-approve', '0.01', '--server', upstream, '--host', 'Cursor'])

    expect(await ok(directory, ['rules', 'add', 'auto-approve', '0.10', '--server', upstream, '--recipient', recipient, '--replace'])).toBe(
      `Rule 4: pay without asking up to $0.10 per call (https://tools.example.com/mcp, to ${recipient}), replacing rule 1.\n`,
    )
    expect(JSON.parse(await ok(directory, ['rules', 'list', '--json'])).map((rule: { id: number }) => rule.id)).toEqual([2, 3, 4])
    await startDaemon(directory)
    const client = companionClient(directory)
    expect(await requestPayment(client, { upstream, amount: '80000' }).result).toMatchObject({ kind: 'approved', decidedBy: 'rule:4' })
    client.close()
  })

  it('a budget with the same period, unit and scope is refused without --replace', async () => {
    const directory = await home()
    await ok(directory, ['budget', 'set', '2'])
    await refused(directory, ['budget', 'set', '3'], 'budget 1 already caps $2.00 per day for every server; give --replace to replace it.', 'budget')
    expect(await ok(directory, ['budget', 'set', '10', '--period', 'week'])).toMatch(/^Budget 2: \$10\.00 per week for every server;/)
    expect(await ok(directory, ['budget', 'set', '3', '--replace'])).toBe('Budget 3: $3.00 per day for every server (replaces budget 1); $0.00 already used today.\n')
    expect(JSON.parse(await ok(directory, ['budget', 'list', '--json'])).map((budget: { id: number; amount: string }) => [budget.id, budget.amount])).toEqual([
      [2, '10000000'],
      [3, '3000000'],
    ])
  })
})

describe('a server Allowance has never seen', () => {
  it('needs --force for a rule, a budget or a lease; an agent host entry or a payment makes the server known', async () => {
    const directory = await home({ wallet: true })
    const hostsHome = join(directory, 'user')
    mkdirSync(hostsHome)
    writeFileSync(join(hostsHome, '.claude.json'), '{}\n')
    vi.stubEnv('ALLOWANCE_HOSTS_HOME', hostsHome)
    await ok(directory, ['budget', 'set', '5'])

    const never = (what: string) =>
      `${upstream} is a server Allowance has never seen (no payment, host entry, rule, budget or lease names it); check the address, or give --force to add the ${what} anyway.`
    await refused(directory, ['rules', 'add', 'auto-approve', '0.05', '--server', upstream], never('rule'), 'rules')
    await refused(directory, ['budget', 'set', '1', '--server', upstream], never('budget'), 'budget')
    await refused(directory, ['leases', 'add', '1', '--minutes', '30', '--server', upstream], never('lease'), 'leases')

    await ok(directory, ['install', 'claude-code', 'tools', upstream])
    expect(await ok(directory, ['rules', 'add', 'auto-approve', '0.05', '--server', upstream])).toMatch(/^Rule 1: pay without asking up to \$0\.05 per call \(https:\/\/tools\.example\.com\/mcp\)\./)
    const typo = 'https://tools.exmaple.com/mcp'
    expect((await cli(directory, ['leases', 'add', '1', '--minutes', '30', '--server', typo])).stderr).toMatch(/^allowance: https:\/\/tools\.exmaple\.com\/mcp is a server Allowance has never seen/)

    // A server that asked for a payment is known, as the card that asked showed it.
    const paid = 'https://paid.example.com/mcp'
    const daemon = await startDaemon(directory)
    const client = companionClient(directory)
    void requestPayment(client, { upstream: paid }).result.catch(() => {})
    await expect.poll(async () => (await daemon.api('GET', '/api/approvals')).body.length, { timeout: 10_000 }).toBe(1)
    expect(await ok(directory, ['budget', 'set', '1', '--server', paid])).toMatch(/^Budget 2: \$1\.00 per day for https:\/\/paid\.example\.com\/mcp;/)
    client.close()
  })
})
