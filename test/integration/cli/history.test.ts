// `allowance history`: the ledger as a table with totals, JSON and CSV, with filters.
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest'
import { columns } from '../../../main/ledger/PaymentRecord.js'
import { cli, ok, requestPayment } from '../../helpers/cli.js'
import { recipient } from '../../helpers/challenges.js'
import * as Payments from '../../../main/ledger/Payments.js'
import { companionClient, startDaemon, withLedger } from '../../helpers/companion.js'
import { stopAll, temporaryHome } from '../../helpers/processes.js'
import { fileWallet } from '../../helpers/wallet.js'

const upstream = 'https://tools.example.com/mcp'
const created = temporaryHome()
const directory = created.home
afterAll(() => created.remove())
afterEach(() => stopAll())

// Five payments: accepted 0.01 (search), failed 0.02 (fetch), signed 0.03 (search, Cursor: the
// credential went to the bridge, which then went away), over budget (search), paused (search).
// The chain has no RPC endpoint here, so the checks leave the first and third unconfirmed.
beforeAll(async () => {
  await fileWallet(directory)
  await ok(directory, ['rules', 'add', 'auto-approve', '1', '--server', upstream, '--recipient', recipient, '--force'])
  await ok(directory, ['budget', 'set', '0.06'])
  await startDaemon(directory)
  const client = companionClient(directory)
  const settled = (await requestPayment(client, { upstream, amount: '10000' }).result) as { paymentId: number }
  await client.request({ type: 'payment.outcome', paymentId: settled.paymentId, outcome: { status: 'accepted', receipt: { status: 'success', method: 'evm', reference: '0xabc' } } })
  const failed = (await requestPayment(client, { upstream, amount: '20000', target: 'fetch' }).result) as { paymentId: number }
  await client.request({ type: 'payment.outcome', paymentId: failed.paymentId, outcome: { status: 'failed', error: '=HYPERLINK("x") upstream said 500', sent: false } })
  expect(await requestPayment(client, { upstream, amount: '30000', host: 'Cursor' }).result).toMatchObject({ kind: 'approved' })
  expect(await requestPayment(client, { upstream, amount: '40000' }).result).toMatchObject({ reason: 'budget_exceeded' })
  await ok(directory, ['pause'])
  expect(await requestPayment(client, { upstream, amount: '10000' }).result).toMatchObject({ reason: 'paused' })
  client.close()
  const unconfirmed = () => withLedger(directory, (db) => Payments.list(db, { states: ['unconfirmed'] }).length)
  for (const deadline = Date.now() + 10_000; unconfirmed() < 2 && Date.now() < deadline; ) await new Promise((resolve) => setTimeout(resolve, 50))
})

describe('allowance history', () => {
  it('prints a table, newest first, with what was spent per unit', async () => {
    const lines = (await ok(directory, ['history'])).trimEnd().split('\n')
    expect(lines[0]).toMatch(/^ID +TIME +STATE +HOST +SERVER +CALL +AMOUNT +PROTOCOL +DECIDED BY +REASON$/)
    expect(lines.slice(1, 6).map((line) => line.split(/\s{2,}/).slice(0, 1).concat(line.split(/\s{2,}/).slice(2)))).toEqual([
      ['5', 'declined', 'Claude Code', upstream, 'tool search', '0.01 USDC', 'MPP', 'Allowance', 'payments were paused'],
      ['4', 'declined', 'Claude Code', upstream, 'tool search', '0.04 USDC', 'MPP', 'your budget', 'over budget'],
      ['3', 'unconfirmed', 'Cursor', upstream, 'tool search', '0.03 USDC', 'MPP', 'your rule', 'No RPC endpoint is configured for Base (chain 8453), so the payment cannot be checked.'],
      ['2', 'failed', 'Claude Code', upstream, 'tool fetch', '0.02 USDC', 'MPP', 'your rule', '=HYPERLINK("x") upstream said 500'],
      ['1', 'unconfirmed', 'Claude Code', upstream, 'tool search', '0.01 USDC', 'MPP', 'your rule', 'No RPC endpoint is configured for Base (chain 8453), so the payment cannot be checked.'],
    ])
    // Unconfirmed payments count; the failed and declined ones moved no money.
    expect(lines.at(-1)).toBe('5 payments; spent or held, fees included (all but declined and failed): $0.04')
    // The total is the filter's, as the History screen shows it, even when --limit lists fewer rows.
    expect((await ok(directory, ['history', '--limit', '2'])).trimEnd().split('\n').at(-1)).toBe('2 of 5 payments shown (the newest); all 5 spent or held, fees included (all but declined and failed): $0.04')
  })

  it('--json gives every row with exact amounts', async () => {
    const rows = JSON.parse(await ok(directory, ['history', '--json']))
    expect(rows).toHaveLength(5)
    expect(Object.keys(rows[0])).toEqual([...columns])
    expect(rows.at(-1)).toMatchObject({
      id: 1,
      state: 'unconfirmed',
      method: 'evm',
      amount: '0.01',
      symbol: 'USDC',
      amount_atomic: '10000',
      decimals: 6,
      chain_id: 8453,
      budget_unit: 'usd',
      budget_amount: '10000',
      decided_by: 'rule:1',
      receipt_reference: '0xabc',
    })
    expect(new Date(rows[0].created_at).toISOString()).toBe(rows[0].created_at)
  })

  it('--csv has a header with every column, one line per row, and defuses formulas', async () => {
    const text = await ok(directory, ['history', '--csv'])
    const lines = text.trimEnd().split('\r\n')
    expect(lines[0]).toBe(columns.join(','))
    expect(lines).toHaveLength(6)
    const failed = lines.find((line) => line.startsWith('2,'))!
    expect(failed).toContain(',0.02,USDC,20000,6,')
    expect(failed).toContain(`,"'=HYPERLINK(""x"") upstream said 500",`)
  })

  it('filters by state, tool, server, host, time, search and count', async () => {
    const ids = async (...args: string[]) => JSON.parse(await ok(directory, ['history', '--json', ...args])).map((row: { id: number }) => row.id)
    expect(await ids('--status', 'declined')).toEqual([5, 4])
    expect(await ids('--status', 'unconfirmed,failed')).toEqual([3, 2, 1])
    expect(await ids('--tool', 'fetch')).toEqual([2])
    expect(await ids('--host', 'Cursor')).toEqual([3])
    expect(await ids('--server', 'https://TOOLS.example.com/mcp')).toEqual([5, 4, 3, 2, 1])
    expect(await ids('--server', 'https://other.example.com/mcp')).toEqual([])
    expect(await ids('--limit', '2')).toEqual([5, 4])
    expect(await ids('--search', 'FETCH')).toEqual([2])
    expect(await ids('--search', 'cursor')).toEqual([3])
    expect(await ids('--search', '#4')).toEqual([4])
    const today = new Date()
    const day = `${today.getFullYear()}-${String(today.getMonth() + 1).padStart(2, '0')}-${String(today.getDate()).padStart(2, '0')}`
    expect(await ids('--since', day, '--until', day)).toHaveLength(5)
    expect(await ids('--since', new Date(Date.now() + 60_000).toISOString())).toEqual([])
    expect(await ok(directory, ['history', '--tool', 'nothing-like-it'])).toBe('No payments match.\n')
  }, 90_000) // thirteen runs of the CLI, one after the other

  it.each([
    [['history', '--json', '--csv'], /give --json or --csv, not both/],
    [['history', '--status', 'paid'], /"paid" is not a payment state/],
    [['history', '--since', 'yesterday'], /--since: "yesterday" is not a date like 2026-03-04/],
    [['history', '--until', '2026-02-30'], /--until: 2026-02-30 is not a date/],
    [['history', '--since', '2026-03-05', '--until', '2026-03-04'], /--since must come before --until/],
    [['history', '--limit', '0'], /--limit must be a whole number/],
    [['history', '--search', 'x'.repeat(201)], /--search: A search is at most 200 characters\./],
  ])('refuses %j with exit code 2', async (args, message) => {
    const run = await cli(directory, args)
    expect(run).toMatchObject({ code: 2, stdout: '' })
    expect(run.stderr.split('\n')[0]).toMatch(message)
  })
})
