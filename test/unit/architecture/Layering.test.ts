// The house rules as checks: which folder of main/ may import which, no cycle between folders, and
// a renderer that reaches main/ for the UI API's contract (types) and pure money formatting only.
import { readdirSync, readFileSync } from 'node:fs'
import { dirname, join, relative, resolve } from 'node:path'
import { expect, test } from 'vitest'

/**
 * What each folder of main/ may import, beside itself. The arrows point one way: the faces
 * (cli, app, demo) → the companion → the UI API's contract (uiapi) → approvals, the doctor, the
 * OAuth broker (auth), the bridge, the hosts → payments, ledger, wallet → the wire contract and
 * shared helpers. The Electron shell (app) reads no ledger and holds no keys: it reaches both
 * through the companion.
 */
const allowed: Record<string, readonly string[]> = {
  shared: [],
  wire: ['shared'],
  payments: ['shared'],
  ledger: ['payments', 'wire', 'shared'],
  wallet: ['payments', 'shared'],
  auth: ['wallet', 'shared'],
  approvals: ['ledger', 'payments', 'wire', 'shared'],
  bridge: ['wire', 'shared'],
  hosts: ['bridge', 'shared'],
  doctor: ['hosts', 'bridge', 'wallet', 'wire', 'shared'],
  uiapi: ['approvals', 'auth', 'doctor', 'hosts', 'ledger', 'payments', 'wire', 'shared'],
  companion: ['uiapi', 'auth', 'approvals', 'doctor', 'hosts', 'ledger', 'payments', 'wallet', 'wire', 'shared'],
  app: ['companion', 'uiapi', 'auth', 'approvals', 'wire', 'shared'],
  demo: ['companion', 'ledger', 'payments', 'wallet', 'wire', 'shared'],
  cli: ['auth', 'bridge', 'companion', 'demo', 'doctor', 'hosts', 'approvals', 'ledger', 'payments', 'wallet', 'wire', 'shared'],
}

type Import = { from: string; to: string; typeOnly: boolean }

function sources(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' })
    .filter((file) => /\.tsx?$/.test(file) && !file.endsWith('.d.ts'))
    .map((file) => join(folder, file))
}

/** Every relative import of a source file, static or dynamic, resolved to a path from the repository root. */
function importsOf(file: string): Import[] {
  const text = readFileSync(file, 'utf8')
  const found: Import[] = []
  const statement = /^\s*(import|export)\s+(type\s+)?[^'"]*?\bfrom\s+'(\.[^']+)'/gm
  for (const [, , type, specifier] of text.matchAll(statement)) found.push({ from: file, to: relative('.', resolve(dirname(file), specifier!)), typeOnly: !!type })
  for (const [, specifier] of text.matchAll(/^\s*import\s+'(\.[^']+)'/gm)) found.push({ from: file, to: relative('.', resolve(dirname(file), specifier!)), typeOnly: false })
  for (const [, specifier] of text.matchAll(/\bimport\(\s*'(\.[^']+)'\s*\)/g)) found.push({ from: file, to: relative('.', resolve(dirname(file), specifier!)), typeOnly: false })
  return found
}

const folderOf = (path: string) => path.split('/').slice(0, 2).join('/')
const mainImports = sources('main').flatMap(importsOf)

test('every folder of main/ is listed, and imports only what its layer may', () => {
  const folders = readdirSync('main', { withFileTypes: true }).filter((entry) => entry.isDirectory()).map((entry) => entry.name)
  expect(folders.sort()).toEqual(Object.keys(allowed).sort())
  const against = mainImports
    .map(({ from, to }) => ({ from, to, a: from.split('/')[1]!, b: to.split('/')[1]! }))
    .filter(({ a, b }) => a !== b && !allowed[a]!.includes(b))
    .map(({ from, to }) => `${from} → ${to}`)
  expect(against).toEqual([])
})

test('no cycle between folders', () => {
  const edges = new Map<string, Set<string>>()
  for (const { from, to } of mainImports) {
    const [a, b] = [folderOf(from), folderOf(to)]
    if (a !== b) edges.set(a, (edges.get(a) ?? new Set()).add(b))
  }
  const cycles: string[] = []
  const walk = (folder: string, path: string[]) => {
    for (const next of edges.get(folder) ?? []) {
      if (path.includes(next)) cycles.push([...path.slice(path.indexOf(next)), next].join(' → '))
      else walk(next, [...path, next])
    }
  }
  for (const folder of edges.keys()) walk(folder, [folder])
  expect(cycles).toEqual([])
})

/** What a folder outside main/ imports from it, but for `allowed` (as types only where `typesOnly`). */
const reachesBeyond = (folder: string, allowed: { module: string; typesOnly: boolean }[]) =>
  sources(folder)
    .flatMap(importsOf)
    .filter(({ to, typeOnly }) => to.startsWith('main/') && !allowed.some(({ module, typesOnly }) => to === module && (typeOnly || !typesOnly)))
    .map(({ from, to }) => `${from} → ${to}`)

test('the renderer reaches main/ for the UI API contract, as types, and the pure money module, never the companion; the preload for the contract and the channel names', () => {
  const contract = { module: 'main/uiapi/Contract.js', typesOnly: true }
  expect(reachesBeyond('renderer', [contract, { module: 'main/payments/Amount.js', typesOnly: false }])).toEqual([])
  expect(reachesBeyond('preload', [contract, { module: 'main/app/UiChannels.js', typesOnly: false }])).toEqual([])
})
