import { build } from 'esbuild'
import { spawn } from 'node:child_process'
import { mkdtempSync, rmSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { fileURLToPath } from 'node:url'
import { afterAll, beforeAll, expect, test } from 'vitest'
import * as Budgets from '../../../main/ledger/Budgets.js'
import * as Database from '../../../main/ledger/Database.js'
import * as Payments from '../../../main/ledger/Payments.js'
import * as Rules from '../../../main/ledger/Rules.js'
import * as Amount from '../../../main/payments/Amount.js'
import * as challenges from '../payments/challenges.js'

const here = fileURLToPath(new URL('.', import.meta.url))
const root = resolve(here, '../../..')
const workers = 8
const perWorker = 50
let dir: string
let bundle: string

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'allowance-concurrency-'))
  bundle = join(dir, 'core.mjs')
  const betterSqlite3 = join(root, 'node_modules/better-sqlite3/lib/index.js')
  await build({
    stdin: {
      contents: `export * as Database from './main/ledger/Database.ts'
        export * as Engine from './main/approvals/Engine.ts'
        export * as TokenRegistry from './main/payments/TokenRegistry.ts'`,
      resolveDir: root,
      loader: 'ts',
    },
    outfile: bundle,
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    logLevel: 'warning',
    // The native addon stays outside the bundle, loaded from this checkout's node_modules.
    plugins: [{ name: 'native', setup: (b) => b.onResolve({ filter: /^better-sqlite3$/ }, () => ({ path: betterSqlite3, external: true })) }],
  })
})

afterAll(() => rmSync(dir, { recursive: true, force: true }))

/**
 * Starts the workers and walks them through two barriers: "go" once every one has loaded, and
 * "continue" once every one has made its first decision, so that all eight are mid-run together.
 * Resolves with each one's tally.
 */
function runTogether(argsOf: (worker: number) => string[]): Promise<string[]> {
  const children = Array.from({ length: workers }, (_, worker) => spawn(process.execPath, [join(here, 'fixtures/decideWorker.mjs'), ...argsOf(worker)], { stdio: ['pipe', 'pipe', 'pipe'] }))
  const barrier = (next: (child: (typeof children)[number]) => void) => {
    let arrived = 0
    return () => {
      if (++arrived === workers) children.forEach(next)
    }
  }
  const loaded = barrier((child) => child.stdin.write('go\n'))
  const started = barrier((child) => child.stdin.end('continue\n'))
  return Promise.all(
    children.map(
      (child) =>
        new Promise<string>((resolvePromise, reject) => {
          let stdout = ''
          let stderr = ''
          child.stdout.on('data', (chunk) => {
            const before = stdout
            stdout += chunk
            if (!before.includes('ready\n') && stdout.includes('ready\n')) loaded()
            if (!before.includes('started\n') && stdout.includes('started\n')) started()
          })
          child.stderr.on('data', (chunk) => (stderr += chunk))
          child.on('error', reject)
          child.on('exit', (code) => (code === 0 ? resolvePromise(stdout.slice(stdout.lastIndexOf('\n') + 1)) : reject(new Error(`worker exited ${code}: ${stderr}`))))
        }),
    ),
  )
}

test('8 processes deciding 50 requests each against a budget for exactly 100: 100 approved, 300 budget_exceeded, no overspend', async () => {
  const path = join(dir, 'ledger.sqlite')
  const now = new Date()
  now.setHours(12, 0, 0, 0) // one fixed decision time: the test cannot straddle midnight
  const db = Database.open(path)
  Rules.add(db, { kind: 'auto_approve', scope: { upstream: 'https://tools.example.com/mcp' }, recipient: challenges.recipient, unit: 'usd', amount: Amount.fromDecimal('0.05', 6), now: 0 })
  const budget = Budgets.add(db, { period: 'day', scope: {}, unit: 'usd', amount: Amount.fromDecimal('1.00', 6), now: 0 })

  const outputs = await runTogether((worker) => [bundle, path, String(worker), String(perWorker), String(now.getTime())])
  const tallies = outputs.map((output) => JSON.parse(output) as { approved: number; ask: number; declined: Record<string, number>; first: number; last: number })

  const approved = tallies.reduce((sum, tally) => sum + tally.approved, 0)
  const exceeded = tallies.reduce((sum, tally) => sum + (tally.declined.budget_exceeded ?? 0), 0)
  expect({ approved, exceeded, asked: tallies.reduce((sum, tally) => sum + tally.ask, 0) }).toEqual({ approved: 100, exceeded: 300, asked: 0 })
  // The workers really ran at the same time (the barriers see to it; this checks they held).
  expect(Math.max(...tallies.map((tally) => tally.first))).toBeLessThan(Math.min(...tallies.map((tally) => tally.last)))

  const rows = Payments.list(db)
  expect(rows).toHaveLength(workers * perWorker)
  const reserved = rows.filter((row) => Payments.reserving.includes(row.state))
  expect(reserved).toHaveLength(100)
  expect(reserved.reduce((sum, row) => sum + row.details!.budgetAmount, 0n)).toBe(budget.amount)
  // The running total the decisions used agrees with the rows it stands for.
  expect(Budgets.usage(db, budget, now)).toMatchObject({ used: budget.amount, remaining: 0n })
  const { start, end } = Budgets.usage(db, budget, now)
  expect(Payments.reserved(db, { unit: 'usd', start, end, scope: budget })).toBe(budget.amount)
  db.close()
})
