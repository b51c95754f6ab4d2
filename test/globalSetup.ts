import { build } from 'esbuild'
import { existsSync } from 'node:fs'

/** Bundles the TypeScript fixture servers so tests can start them as plain Node processes. */
export default async function setup(): Promise<void> {
  if (!existsSync('dist/allowance.js')) throw new Error('Build first: `npm test` runs the build, or run `npm run build`.')
  await build({
    entryPoints: ['test/fixtures/servers/*.ts', 'test/fixtures/clients/*.ts'],
    outbase: 'test/fixtures',
    outdir: 'dist/fixtures',
    bundle: true,
    format: 'esm',
    platform: 'node',
    target: 'node20',
    packages: 'external',
    logLevel: 'warning',
  })
}
