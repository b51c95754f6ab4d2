// The desktop app packaged by electron-builder itself (`--linux dir`), as `npm run dist:app` does
// but for two things this machine cannot have: the Electron binary (it cannot be downloaded here,
// so a stand-in carrying Electron's fuse wire, as Electron 45 ships it, takes its place) and the
// rebuild of better-sqlite3 for Electron (it needs Electron's headers). Everything else is real:
// the file list, the asar archive, the unpacked native modules, the bridge and its Node runtime
// (this machine's Node, as ALLOWANCE_BRIDGE_NODE allows), the update feed and the fuses flipped.
import { spawnSync } from 'node:child_process'
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { tmpdir } from 'node:os'
import { join } from 'node:path'
import { afterAll, beforeAll, expect, test } from 'vitest'

const require = createRequire(import.meta.url)
const Asar = require('@electron/asar') as { listPackage(archive: string): string[]; extractFile(archive: string, file: string): Buffer }
const Fuses = require('@electron/fuses') as { getCurrentFuseWire(binary: string): Promise<Record<string, number | string>> }

const scratch = mkdtempSync(join(tmpdir(), 'allowance-package-'))
// The beforePack hook puts the runtime in the checkout (build/runtime/, ignored by git): only this test's copy goes.
const runtime = join('build', 'runtime')
const hadRuntime = existsSync(join(runtime, 'linux-x64'))
afterAll(() => {
  rmSync(scratch, { recursive: true, force: true })
  if (!hadRuntime) rmSync(readdirSync(runtime).length > 1 ? join(runtime, 'linux-x64') : runtime, { recursive: true, force: true })
})

const sentinel = 'dL7pKGdnNz796PbbjQWNKmHXBZaB9tsX'
/** Electron's fuse states: '1' on, '0' off. Its defaults: runAsNode, NODE_OPTIONS, inspector and file:// privileges on. */
const defaults = '10110001'

let app: string
let resources: string
let asar: string[]
let unpacked: string[]
beforeAll(() => {
  const dist = join(scratch, 'electron-dist')
  mkdirSync(dist)
  writeFileSync(join(dist, 'electron'), Buffer.concat([Buffer.from('#!/bin/sh\n'), Buffer.from(sentinel), Buffer.from([1, defaults.length]), Buffer.from(defaults)]), { mode: 0o755 })
  writeFileSync(join(dist, 'LICENSE'), 'MIT')
  writeFileSync(join(dist, 'version'), JSON.parse(readFileSync('node_modules/electron/package.json', 'utf8')).version)
  const output = join(scratch, 'release')
  const result = spawnSync(
    process.execPath,
    ['node_modules/electron-builder/cli.js', '--linux', 'dir', '--x64', `-c.electronDist=${dist}`, '-c.npmRebuild=false', `-c.directories.output=${output}`],
    { encoding: 'utf8', env: { ...process.env, ALLOWANCE_BRIDGE_NODE: process.execPath, CSC_IDENTITY_AUTO_DISCOVERY: 'false' } },
  )
  if (result.status !== 0) throw new Error(`electron-builder failed:\n${result.stdout}\n${result.stderr}`)
  app = join(output, 'linux-unpacked')
  resources = join(app, 'resources')
  asar = Asar.listPackage(join(resources, 'app.asar')).map((path) => path.replace(/\\/g, '/').replace(/^\//, ''))
  unpacked = files(join(resources, 'app.asar.unpacked'))
}, 240_000)

/** Every file under `folder`, relative to it. */
function files(folder: string): string[] {
  return readdirSync(folder, { recursive: true, encoding: 'utf8' }).filter((path) => statSync(join(folder, path)).isFile()).map((path) => path.replace(/\\/g, '/'))
}

test('the binary is packaged with every fuse flipped as configured: no running as Node, cookies encrypted, only the integrity-checked asar', async () => {
  const wire = await Fuses.getCurrentFuseWire(join(app, 'allowance-desktop'))
  const on = 49
  const off = 48
  expect(wire).toEqual({ version: '1', 0: off, 1: on, 2: off, 3: off, 4: on, 5: on, 6: off, 7: off })
})

test('the app archive holds the built app and production packages only: no CLI, tests, fixtures, benches or source maps', () => {
  const own = asar.filter((path) => !path.startsWith('node_modules/'))
  const folders = ['node_modules', 'out', 'out/main', 'out/main/assets', 'out/preload', 'out/renderer', 'out/renderer/assets']
  expect(own.filter((path) => !folders.includes(path) && !/^(out\/(main|preload|renderer)\/|package\.json$)/.test(path))).toEqual([])
  expect(own).toEqual(expect.arrayContaining(['out/main/index.js', 'out/preload/index.cjs', 'out/renderer/index.html', 'package.json']))
  const everything = [...asar, ...unpacked, ...files(resources).filter((path) => !path.startsWith('app.asar'))]
  expect(everything.filter((path) => /\.map$/.test(path))).toEqual([])
  // Neither this repository's tests, benches, sources or CLI, nor the packages' own tests (viem's actions/test are the test client's code).
  expect(everything.filter((path) => /^(test|dist|bench|scripts|main|renderer|preload|build)\//.test(path))).toEqual([])
  expect(everything.filter((path) => /\/(tests|__tests__|__mocks__|fixtures)\//.test(path))).toEqual([])
  expect(everything.filter((path) => /\.(test|spec)\.[cm]?[jt]s$|test_extension\.node$/.test(path))).toEqual([])
  // Nothing that looks like a key, a certificate or an environment file.
  expect(everything.filter((path) => /(^|\/)\.env|\.(pem|p12|pfx|key|p8)$/.test(path))).toEqual([])
})

test("no package that only development needs is packed (Electron, the builders, Vite, Vitest, TypeScript, the tests' servers)", () => {
  // electron-builder lays the production tree out anew, so packages are matched by name and version.
  const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { name?: string; version?: string; dev?: boolean }> }
  const nameOf = (path: string, entry: { name?: string }) => entry.name ?? path.slice(path.lastIndexOf('node_modules/') + 'node_modules/'.length)
  const production = new Set(Object.entries(lock.packages).filter(([path, entry]) => path && !entry.dev).map(([path, entry]) => `${nameOf(path, entry)}@${entry.version}`))
  const packed = asar
    .filter((path) => /(^|\/)node_modules\/(@[^/]+\/)?[^/]+\/package\.json$/.test(path))
    .map((path) => JSON.parse(Asar.extractFile(join(resources, 'app.asar'), path).toString('utf8')) as { name: string; version: string })
    .map(({ name, version }) => `${name}@${version}`)
  expect(packed.length).toBeGreaterThan(100)
  expect(packed.filter((id) => !production.has(id))).toEqual([])
  const names = new Set(packed.map((id) => id.slice(0, id.lastIndexOf('@'))))
  for (const name of ['electron', 'electron-builder', 'electron-vite', 'vite', 'vitest', 'typescript', 'esbuild', 'playwright-core', 'oidc-provider', 'mcp-remote']) expect(names.has(name), name).toBe(false)
  expect(names.has('electron-updater')).toBe(true)
  expect(names.has('@foundry-rs/anvil-linux-amd64')).toBe(false)
})

test("the built main process carries no source map or source text, and the native modules are unpacked with nothing beside them", () => {
  for (const built of ['out/main/index.js', 'out/preload/index.cjs']) expect(readFileSync(built, 'utf8'), built).not.toMatch(/sourceMappingURL|sourcesContent/)
  expect(unpacked.filter((path) => path.endsWith('.node')).sort()).toEqual([
    'node_modules/@napi-rs/keyring-linux-x64-gnu/keyring.linux-x64-gnu.node',
    'node_modules/better-sqlite3/build/Release/better_sqlite3.node',
  ])
  expect(unpacked.filter((path) => path.startsWith('node_modules/better-sqlite3/') && !/^node_modules\/better-sqlite3\/(lib\/|package\.json$|LICENSE$|build\/Release\/better_sqlite3\.node$)/.test(path))).toEqual([])
})

test('beside the archive: the bridge bundle, the Node runtime it runs on, and the update feed', () => {
  expect(files(join(resources, 'bridge'))).toEqual(['allowance.mjs'])
  expect(readFileSync(join(resources, 'bridge', 'allowance.mjs')).equals(readFileSync(join('out', 'bridge', 'allowance.mjs')))).toBe(true)
  expect(files(join(resources, 'runtime')).sort()).toEqual(['LICENSE', 'node'])
  expect(statSync(join(resources, 'runtime', 'node')).mode & 0o111).not.toBe(0)
  const node = spawnSync(join(resources, 'runtime', 'node'), [join(resources, 'bridge', 'allowance.mjs'), 'bridge', '--help'], { encoding: 'utf8', env: { PATH: '/nonexistent' } })
  expect(node.stdout).toContain('allowance bridge <url>')
  expect(readFileSync(join(resources, 'app-update.yml'), 'utf8')).toMatch(/^provider: generic\nurl: https:\/\//)
})
