// `allowance leases`: a lease added from the CLI pays without asking until it is spent, listed
// with what and how long it has left, and revoking it stops it at once.
import { describe, expect, it } from 'vitest'
import { cli, files, homes, ok, requestPayment } from '../../helpers/cli.js'
import { recipient } from '../../helpers/challenges.js'
import { companionClient, startDaemon } from '../../helpers/companion.js'

const home = homes()
const upstream = 'https://tools.example.com/mcp'

describe('allowance leases', () => {
  it('adds a lease the companion pays by, lists it with time and money left, and revokes it', async () => {
    const directory = await home({ wallet: true })
    expect(await ok(directory, ['leases', 'add', '0.03', '--minutes', '30', '--server', upstream, '--force'])).toBe(
      'Lease 1: https://tools.example.com/mcp may be paid without asking up to $0.03 in total, for 30m.\n',
    )
    // A lease pays recipients the user trusts on that server; this one a rule names (the rule itself pays nothing).
    await ok(directory, ['rules', 'add', 'auto-approve', '0', '--server', upstream, '--recipient', recipient])
    const daemon = await startDaemon(directory)
    const client = companionClient(directory)
    expect(await requestPayment(client, { upstream, amount: '20000' }).result).toMatchObject({ kind: 'approved', decidedBy: 'lease:1' })

    const [lease] = JSON.parse(await ok(directory, ['leases', 'list', '--json']))
    expect(lease).toMatchObject({ id: 1, state: 'active', server: upstream, amount: '30000', spent: '20000', remaining: '10000' })
    expect(lease.secondsLeft).toBeGreaterThan(29 * 60)
    expect(lease.secondsLeft).toBeLessThanOrEqual(30 * 60)
    expect(await ok(directory, ['leases', 'list'])).toMatch(/^ID +TIME +LEFT TO SPEND +SERVER +CALL +HOST\n1 +(29|30)m left +\$0\.01 of \$0\.03 +https:\/\/tools\.example\.com\/mcp +any +any\n$/)

    expect(await ok(directory, ['leases', 'revoke', '1'])).toBe('Lease 1 revoked.\n')
    expect(await ok(directory, ['leases', 'list'])).toBe('No active leases.\n')
    expect(JSON.parse(await ok(directory, ['leases', 'list', '--all', '--json']))).toEqual([expect.objectContaining({ id: 1, state: 'revoked', secondsLeft: 0 })])
    void requestPayment(client, { upstream, amount: '10000' }).result.catch(() => {})
    await expect.poll(async () => (await daemon.api('GET', '/api/approvals')).body.length, { timeout: 10_000 }).toBe(1)
    client.close()
  })

  it.each([
    [['leases', 'add', '2', '--server', upstream], /--minutes N/],
    [['leases', 'add', '2', '--minutes', '0', '--server', upstream], /--minutes must be a whole number from 1 to 10,080/],
    [['leases', 'add', '2', '--minutes', '10081', '--server', upstream], /--minutes must be a whole number/],
    [['leases', 'add', '2', '--minutes', '1.5', '--server', upstream], /--minutes must be a whole number/],
    [['leases', 'add', '2', '--minutes', '-30', '--server', upstream], /--minutes must be a whole number/],
    [['leases', 'add', '-2', '--minutes', '30', '--server', upstream], /^allowance: The amount "-2" is negative: amounts must be positive\.$/],
    [['leases', 'add', '2', '--minutes', '30', '--server', upstream], /has never seen/],
    [['leases', 'add', '2', '--minutes', '30'], /a lease names the server it allows/],
    [['leases', 'add', '2.0000001', '--minutes', '30', '--server', upstream], /more than 6 decimal places/],
    [['leases', 'revoke'], /which lease\?/],
  ])('refuses %j with exit code 2 and writes nothing', async (args, message) => {
    const directory = await home()
    await ok(directory, ['leases', 'add', '1', '--minutes', '5', '--server', 'https://other.example.com/mcp', '--force'])
    const before = files(directory)
    const run = await cli(directory, args)
    expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(run.stderr).toMatch(new RegExp(`^allowance: [^\n]+\nSee \`allowance leases --help\`\.\n$`))
    expect(run.stderr.split('\n')[0]).toMatch(message)
    expect(files(directory)).toEqual(before)
  })

  it('revoking a lease that does not exist exits 1', async () => {
    expect(await cli(await home(), ['leases', 'revoke', '3'])).toMatchObject({ code: 1, stderr: 'allowance: there is no lease 3 to revoke.\n' })
  })
})
