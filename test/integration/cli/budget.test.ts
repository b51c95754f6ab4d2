// `allowance budget`: a budget set from the CLI caps what the running companion approves, and the
// list shows what it has used and has left.
import { describe, expect, it } from 'vitest'
import { cli, files, homes, ok, requestPayment } from '../../helpers/cli.js'
import { recipient } from '../../helpers/challenges.js'
import { companionClient, startDaemon } from '../../helpers/companion.js'

const home = homes()
const upstream = 'https://tools.example.com/mcp'

describe('allowance budget', () => {
  it('caps what the companion approves; list shows used and remaining; set again with --replace replaces it and keeps what was used', async () => {
    const directory = await home({ wallet: true })
    await ok(directory, ['rules', 'add', 'auto-approve', '1', '--server', upstream, '--recipient', recipient, '--force'])
    expect(await ok(directory, ['budget', 'set', '0.03'])).toBe('Budget 1: $0.03 per day for every server; $0.00 already used today.\n')
    await startDaemon(directory)
    const client = companionClient(directory)
    for (let i = 0; i < 3; i++) expect(await requestPayment(client, { upstream, amount: '10000' }).result).toMatchObject({ kind: 'approved' })
    expect(await requestPayment(client, { upstream, amount: '10000' }).result).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })

    const [budget] = JSON.parse(await ok(directory, ['budget', 'list', '--json']))
    expect(budget).toMatchObject({ id: 1, period: 'day', server: null, unit: 'usd', amount: '30000', used: '30000', remaining: '0' })
    expect(budget.formatted).toEqual({ amount: '$0.03', used: '$0.03', remaining: '$0.00' })
    expect(new Date(budget.periodStart).getHours()).toBe(0) // local midnight
    expect(await ok(directory, ['budget', 'list'])).toMatch(/^ID +BUDGET +USED +REMAINING +RESETS +SERVER +CALL +HOST +LABEL\n1 +\$0\.03 per day +\$0\.03 +\$0\.00 +in \S+/)

    expect(await ok(directory, ['budget', 'set', '0.05', '--replace'])).toBe('Budget 2: $0.05 per day for every server (replaces budget 1); $0.03 already used today.\n')
    expect(JSON.parse(await ok(directory, ['budget', 'list', '--json']))).toEqual([expect.objectContaining({ id: 2, used: '30000', remaining: '20000' })])
    expect(await requestPayment(client, { upstream, amount: '20000' }).result).toMatchObject({ kind: 'approved' })
    expect(await requestPayment(client, { upstream, amount: '10000' }).result).toMatchObject({ kind: 'declined', reason: 'budget_exceeded' })

    expect(await ok(directory, ['budget', 'remove', '2'])).toBe('Budget 2 removed.\n')
    expect(await requestPayment(client, { upstream, amount: '10000' }).result).toMatchObject({ kind: 'approved' })
    client.close()
  })

  it('a budget per server and per week sits beside a daily one', async () => {
    const directory = await home()
    await ok(directory, ['budget', 'set', '5'])
    await ok(directory, ['budget', 'set', '2', '--period', 'week', '--server', upstream, '--tool', 'search', '--label', 'search', '--force'])
    const budgets = JSON.parse(await ok(directory, ['budget', 'list', '--json']))
    expect(budgets.map((budget: { id: number; period: string; target: string | null }) => [budget.id, budget.period, budget.target])).toEqual([
      [1, 'day', null],
      [2, 'week', 'search'],
    ])
  })

  it.each([
    [['budget', 'set', '5', '--period', 'year'], /--period must be day, week or month, not "year"/],
    [['budget', 'set', 'five'], /not a decimal number/],
    [['budget', 'set'], /give the budget amount/],
    [['budget', 'set', '1.0000001'], /more than 6 decimal places/],
    [['budget', 'set', '1', '--resource', 'file:///a'], /--resource needs --server/],
    [['budget', 'set', '-2'], /^allowance: The amount "-2" is negative: amounts must be positive\.$/],
    [['budget', 'set', '2000000', '--period', 'month'], /amounts go up to 1,000,000/],
  ])('refuses %j with exit code 2 and writes nothing', async (args, message) => {
    const directory = await home()
    await ok(directory, ['budget', 'set', '1'])
    const before = files(directory)
    const run = await cli(directory, args)
    expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(run.stderr).toMatch(new RegExp(`^allowance: [^\n]+\nSee \`allowance budget --help\`\.\n$`))
    expect(run.stderr.split('\n')[0]).toMatch(message)
    expect(files(directory)).toEqual(before)
    expect(JSON.parse(await ok(directory, ['budget', 'list', '--json']))).toEqual([expect.objectContaining({ id: 1, amount: '1000000' })])
  })
})
