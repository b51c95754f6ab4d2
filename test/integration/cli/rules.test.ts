// `allowance rules`: what the CLI writes is what a running companion decides by, and bad input
// changes nothing.
import { describe, expect, it } from 'vitest'
import { cli, files, homes, ok, requestPayment } from '../../helpers/cli.js'
import { recipient } from '../../helpers/challenges.js'
import { companionClient, startDaemon } from '../../helpers/companion.js'

const home = homes()
const upstream = 'https://tools.example.com/mcp'

describe('allowance rules', () => {
  it('adds an auto-approve rule that the running companion pays by, lists it, and removes it', async () => {
    const directory = await home({ wallet: true })
    const daemon = await startDaemon(directory)
    // The server is typed the way people do; the rule still names the URL the bridge is given.
    expect(await ok(directory, ['rules', 'add', 'auto-approve', '0.05', '--server', 'HTTPS://Tools.example.com/mcp', '--tool', 'search', '--recipient', recipient, '--force'])).toBe(
      `Rule 1: pay without asking up to $0.05 per call (tool search on https://tools.example.com/mcp, to ${recipient}).\n`,
    )
    const listed = JSON.parse(await ok(directory, ['rules', 'list', '--json']))
    expect(listed).toEqual([
      expect.objectContaining({ id: 1, kind: 'auto-approve', server: upstream, operation: 'tools/call', target: 'search', host: null, unit: 'usd', amount: '50000', formatted: '$0.05', recipient }),
    ])
    expect(await ok(directory, ['rules', 'list'])).toMatch(/^ID +KIND +AMOUNT +SERVER +CALL +HOST +RECIPIENT +LABEL\n1 +auto-approve +\$0\.05 per call +https:\/\/tools\.example\.com\/mcp +tool search +any +0x70997970/)

    const client = companionClient(directory)
    expect(await requestPayment(client, { upstream, amount: '50000' }).result).toMatchObject({ kind: 'approved', decidedBy: 'rule:1' })
    void requestPayment(client, { upstream, amount: '50001' }).result.catch(() => {})
    await expect.poll(async () => (await daemon.api('GET', '/api/approvals')).body, { timeout: 10_000 }).toEqual([
      expect.objectContaining({ reasons: ['above_auto_approve'] }),
    ])

    expect(await ok(directory, ['rules', 'remove', '1'])).toBe('Rule 1 removed.\n')
    expect(JSON.parse(await ok(directory, ['rules', 'list', '--json']))).toEqual([])
    void requestPayment(client, { upstream, amount: '10000' }).result.catch(() => {})
    await expect.poll(async () => (await daemon.api('GET', '/api/approvals')).body.length, { timeout: 10_000 }).toBe(2)
    expect((await daemon.api('GET', '/api/approvals')).body[1].reasons).toEqual(['no_rule'])
    client.close()
  })

  it('adds a limit that declines above it, even where an auto-approve rule would pay', async () => {
    const directory = await home({ wallet: true })
    await ok(directory, ['rules', 'add', 'auto-approve', '1', '--server', upstream, '--recipient', recipient, '--force'])
    await ok(directory, ['rules', 'add', 'limit', '0.10', '--server', upstream, '--host', 'Cursor', '--label', 'Cursor stays cheap'])
    expect(await ok(directory, ['rules', 'list'])).toMatch(/limit +\$0\.10 per call +https:\/\/tools\.example\.com\/mcp +any +Cursor +Cursor stays cheap/)
    await startDaemon(directory)
    const client = companionClient(directory)
    expect(await requestPayment(client, { upstream, amount: '200000', host: 'Cursor' }).result).toMatchObject({
      kind: 'declined',
      reason: 'over_limit',
      message: 'Payment of 0.2 USDC to tools.example.com for `search` was declined: it is above your limit of $0.10 per call for tools.example.com for Cursor.',
    })
    expect(await requestPayment(client, { upstream, amount: '200000', host: 'Claude Code' }).result).toMatchObject({ kind: 'approved', decidedBy: 'rule:1' })
    client.close()
  })

  it.each([
    [['rules', 'add', 'auto-approve', '0.0000001'], /^allowance: The amount "0.0000001" has more than 6 decimal places\.$/m],
    [['rules', 'add', 'auto-approve', '1e3'], /is not a decimal number/],
    [['rules', 'add', 'auto-approve', '-1'], /^allowance: The amount "-1" is negative: amounts must be positive\.$/m],
    [['rules', 'add', 'auto-approve', '1000000.01'], /The amount "1000000.01" is more than Allowance accepts: amounts go up to 1,000,000\./],
    [['rules', 'add', 'auto-approve', '0,05'], /is not a decimal number/],
    [['rules', 'add', 'auto-approve'], /give the auto-approve amount/],
    [['rules', 'add', 'always', '1'], /the rule kind must be auto-approve or limit, not "always"/],
    [['rules', 'add', 'limit', '1', '--tool', 'search'], /--tool needs --server/],
    [['rules', 'add', 'limit', '1', '--server', upstream, '--tool', 'a', '--prompt', 'b'], /give one of --tool, --resource and --prompt/],
    [['rules', 'add', 'limit', '1', '--unit', 'bitcoin'], /"bitcoin" is not a budget unit/],
    [['rules', 'add', 'limit', '1', '--unit', 'btc'], /"btc" is not a currency Allowance knows/],
    [['rules', 'add', 'limit', '1', '--unit', `8453:${'0x833589fcd6edb6e08f4c7c32d4f71b54bda02913'}`], /USDC is pegged to the US dollar/],
    [['rules', 'add', 'limit', '1', '--server'], /^allowance: --server needs a value\.$/],
    [['rules', 'add', 'limit', '1', '--server', '--host', 'Cursor'], /^allowance: --server needs a value\.$/],
    [['rules', 'list', '--json=yes'], /^allowance: --json takes no value\.$/],
    [['rules', 'add', 'limit', '1', '--bogus'], /^allowance: unknown option "--bogus"\.$/],
    [['rules', 'frobnicate'], /unknown rules action "frobnicate"/],
    [['rules', 'remove', 'one'], /"one" is not a rule id/],
  ])('refuses %j with one sentence, exit code 2, and writes nothing', async (args, message) => {
    const directory = await home()
    const run = await cli(directory, args)
    expect(run).toMatchObject({ code: 2, stdout: '' })
    const [sentence, pointer, ...more] = run.stderr.split('\n')
    expect(sentence).toMatch(/^allowance: /)
    expect(sentence).toMatch(message)
    expect([pointer, ...more]).toEqual(['See `allowance rules --help`.', ''])
    expect(files(directory)).toEqual({})
  })

  it('says so with exit code 1 when the rule to remove does not exist', async () => {
    const directory = await home()
    expect(await cli(directory, ['rules', 'remove', '7'])).toMatchObject({ code: 1, stderr: 'allowance: there is no rule 7.\n' })
  })
})

describe('allowance rechallenge', () => {
  it('shows and sets what a second payment for one call does, and refuses anything else', async () => {
    const directory = await home()
    expect(await ok(directory, ['rechallenge'])).toBe('A second payment for one call is declined: Allowance never pays twice without you.\n')
    expect(await ok(directory, ['rechallenge', 'ask'])).toBe('A second payment for one call asks you, with a card that says it pays twice.\n')
    const refused = await cli(directory, ['rechallenge', 'always'])
    expect(refused.code).toBe(2)
    expect(refused.stderr).toMatch(/give decline or ask, not "always"/)
    expect(await ok(directory, ['rechallenge'])).toMatch(/asks you/)
  })
})
