// Builds everything: the CLI and bridge as plain Node bundles (dist/), the test fixtures' servers
// and clients (dist/fixtures) and the benchmarks (dist/bench), and the Electron app (out/) with
// electron-vite. The bridge bundle must not pull in Electron, React or the companion.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { rmSync, writeFileSync } from 'node:fs'

const node = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' }
// Packages written as CommonJS call require(); an ES module has none of its own.
const withRequire = { js: "import { createRequire as __allowanceRequire } from 'node:module'; const require = __allowanceRequire(import.meta.url);" }

// Only the CLI's chunks are cleared (their names change); dist/fixtures and dist/bench stay.
rmSync('dist/chunks', { recursive: true, force: true })
// The CLI carries its pure-JS packages inside its chunks: Node then resolves and loads a few files
// instead of hundreds, and only the parts of viem, mppx and the SDKs in use (a ledger command took
// 1.1 s and 140 MB with them loaded from node_modules, 0.25 s and 75 MB bundled). Native modules,
// the WASM signer (it reads its .wasm beside itself) and jsonc-parser (a UMD build whose requires a
// bundle cannot follow) stay in node_modules.
const cli = await build({
  ...node,
  packages: undefined,
  external: ['better-sqlite3', '@napi-rs/keyring', 'tiny-secp256k1', 'jsonc-parser'],
  banner: withRequire,
  entryPoints: { allowance: 'main/cli/main.ts' },
  outdir: 'dist',
  splitting: true, // each subcommand becomes its own chunk, loaded on demand
  sourcemap: true,
  chunkNames: 'chunks/[name]-[hash]',
  metafile: true, // read by the test that keeps the bridge's chunks free of the companion
})
writeFileSync('dist/allowance.meta.json', JSON.stringify(cli.metafile))
// The demo's paid MCP server runs as its own process (`allowance demo`).
await build({ ...node, entryPoints: { 'demo/demoServer': 'main/demo/demoServer.ts' }, outdir: 'dist' })
// The tests' and benches' servers and clients, started as plain Node processes, and the benches.
await build({ ...node, entryPoints: ['test/fixtures/servers/*.ts', 'test/fixtures/clients/*.ts'], outbase: 'test/fixtures', outdir: 'dist/fixtures' })
await build({ ...node, entryPoints: ['bench/*.ts'], outdir: 'dist/bench' })
if (!process.argv.includes('--cli-only')) {
  const result = spawnSync(process.execPath, ['node_modules/electron-vite/bin/electron-vite.js', 'build', '--logLevel', 'warn'], {
    stdio: 'inherit',
  })
  if (result.status !== 0) process.exit(result.status ?? 1)
  // The packaged app's bridge for agent hosts, run by the Node runtime it ships (not by its own
  // Electron binary: the runAsNode fuse is off). One file with its packages inside: that runtime
  // reads nothing from the app's asar archive. electron-builder.yml puts it in the app's resources.
  const bridge = await build({
    ...node,
    packages: undefined,
    entryPoints: { allowance: 'main/cli/desktopBridge.ts' },
    outExtension: { '.js': '.mjs' },
    outdir: 'out/bridge',
    banner: withRequire,
    legalComments: 'eof',
    metafile: true,
  })
  writeFileSync('out/bridge.meta.json', JSON.stringify(bridge.metafile))
}
