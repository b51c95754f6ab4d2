import { existsSync } from 'node:fs'

/** The tests start the built CLI and the bundled fixture servers as plain Node processes. */
export default function setup(): void {
  if (!existsSync('dist/allowance.js') || !existsSync('dist/fixtures')) throw new Error('Build first: `npm test` runs the build, or run `node scripts/build.mjs`.')
}
