// `npm ci` must install the demo's anvil on every platform the app runs on: the lock holds each
// platform's package, marked for its os and cpu, so that npm picks the one for the machine.
import { readFileSync } from 'node:fs'
import { expect, it } from 'vitest'
import { anvilPackage } from '../../../main/demo/LocalChain.js'

const lock = JSON.parse(readFileSync('package-lock.json', 'utf8')) as { packages: Record<string, { version?: string; os?: string[]; cpu?: string[]; optional?: boolean; resolved?: string; integrity?: string; optionalDependencies?: Record<string, string> }> }
const supported: [NodeJS.Platform, string][] = [
  ['darwin', 'arm64'],
  ['darwin', 'x64'],
  ['win32', 'x64'],
  ['linux', 'x64'],
  ['linux', 'arm64'],
]

it.each(supported)('the lock installs anvil on %s-%s, and only there', (platform, cpu) => {
  const name = anvilPackage(platform, cpu)
  expect(lock.packages['']!.optionalDependencies).toHaveProperty(name)
  const entry = lock.packages[`node_modules/${name}`]
  expect(entry, `${name} is in package-lock.json`).toBeDefined()
  expect(entry).toMatchObject({ optional: true, os: [platform], cpu: [cpu] })
  expect(entry!.integrity).toMatch(/^sha512-/)
})

it('every anvil in the lock is the same version', () => {
  const versions = new Set(supported.map(([platform, cpu]) => lock.packages[`node_modules/${anvilPackage(platform, cpu)}`]?.version))
  expect([...versions]).toEqual(['1.7.1'])
})
