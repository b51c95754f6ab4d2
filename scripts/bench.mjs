// `npm run bench`: bundles each bench/*.ts (and the fixture servers) and runs them one after the
// other, so their figures do not disturb each other. `npm run bench -- relay` runs one.
import { build } from 'esbuild'
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const only = process.argv.slice(2)
const benches = readdirSync('bench')
  .filter((file) => file.endsWith('.ts') && file !== 'stats.ts')
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name))

const common = { bundle: true, format: 'esm', platform: 'node', target: 'node20', packages: 'external', logLevel: 'warning' }
await build({ ...common, entryPoints: ['test/fixtures/servers/*.ts', 'test/fixtures/clients/*.ts'],
    outbase: 'test/fixtures', outdir: 'dist/fixtures' })
await build({ ...common, entryPoints: benches.map((name) => `bench/${name}.ts`), outdir: 'dist/bench' })

let failed = false
for (const name of benches) {
  console.log(`\n=== bench: ${name} ===`)
  const result = spawnSync(process.execPath, [`dist/bench/${name}.js`], { stdio: 'inherit' })
  if (result.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
