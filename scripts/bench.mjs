// `npm run bench` (after the build, which bundles bench/*.ts and the fixture servers): runs each
// benchmark one after the other, so their figures do not disturb each other. `npm run bench --
// relay` runs one.
import { spawnSync } from 'node:child_process'
import { readdirSync } from 'node:fs'

const only = process.argv.slice(2)
/** Modules the benchmarks share, which are no benchmarks themselves. */
const helpers = ['stats.ts', 'SideBySide.ts']
const benches = readdirSync('bench')
  .filter((file) => file.endsWith('.ts') && !helpers.includes(file))
  .map((file) => file.replace(/\.ts$/, ''))
  .filter((name) => only.length === 0 || only.includes(name))

let failed = false
for (const name of benches) {
  console.log(`\n=== bench: ${name} ===`)
  const result = spawnSync(process.execPath, [`dist/bench/${name}.js`], { stdio: 'inherit' })
  if (result.status !== 0) failed = true
}
process.exit(failed ? 1 : 0)
