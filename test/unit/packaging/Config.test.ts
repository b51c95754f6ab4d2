// What the packaged app is made of, read from its configuration as electron-builder reads it
// (electron-builder.yml, validated against its schema): the fuses flipped in the Electron binary,
// the hardening of macOS and Windows builds, the update feed; and what its windows run with:
// options, preload and Content Security Policy. test/integration/packaging/ packages it for real.
import { existsSync, readFileSync } from 'node:fs'
import { createRequire } from 'node:module'
import { beforeAll, expect, test, vi } from 'vitest'
import * as RendererFiles from '../../../main/companion/RendererFiles.js'
import * as Windows from '../../../main/app/Windows.js'

vi.mock('electron', () => import('../app/electron.js'))

type Config = Record<string, any>
const ConfigLoader = createRequire(import.meta.url)('app-builder-lib/out/util/config/config') as {
  getConfig(projectDir: string, configPath: string | null, configFromOptions: object | null): Promise<Config>
  validateConfiguration(config: Config, debugLogger: { add(key: string, value: unknown): void; isEnabled: boolean }): Promise<void>
}
const quiet = { add() {}, isEnabled: false }
const pkg = JSON.parse(readFileSync('package.json', 'utf8'))

let config: Config
beforeAll(async () => {
  config = await ConfigLoader.getConfig(process.cwd(), null, null)
})

test("electron-builder loads the configuration and its schema accepts it (and refuses a misspelt fuse: the check is real)", async () => {
  await ConfigLoader.validateConfiguration(config, quiet)
  await expect(ConfigLoader.validateConfiguration({ ...config, electronFuses: { ...config.electronFuses, runAsNod: false } }, quiet)).rejects.toThrow(/configuration\.electronFuses/)
})

test('every fuse is set: no running as Node, no NODE_OPTIONS or inspector, cookies encrypted, the app only from its integrity-checked asar, file:// unprivileged', () => {
  expect(config.electronFuses).toEqual({
    runAsNode: false,
    enableCookieEncryption: true,
    enableNodeOptionsEnvironmentVariable: false,
    enableNodeCliInspectArguments: false,
    enableEmbeddedAsarIntegrityValidation: true,
    onlyLoadAppFromAsar: true,
    loadBrowserProcessSpecificV8Snapshot: false,
    grantFileProtocolExtraPrivileges: false,
  })
  // Integrity validation covers an asar archive, and only-from-asar needs one.
  expect(config.asar).toBe(true)
})

test("the bridge hosts start is outside the asar with its own Node runtime, fetched before packing", () => {
  expect(config.extraResources).toEqual([
    { from: 'out/bridge', to: 'bridge', filter: ['allowance.mjs'] },
    { from: 'build/runtime/${os}-${arch}', to: 'runtime' },
  ])
  expect(config.beforePack).toBe('./scripts/packaging/beforePack.mjs')
  expect(existsSync(config.beforePack)).toBe(true)
  const files = config.files.flatMap((set: { filter: string[] }) => set.filter)
  expect(files).toContain('!out/bridge/**')
  expect(files).toContain('!**/*.map')
})

test('macOS: hardened runtime, notarized, and no entitlement beyond what V8 needs', () => {
  expect(config.mac).toMatchObject({ hardenedRuntime: true, notarize: true, entitlements: 'build/entitlements.mac.plist', entitlementsInherit: 'build/entitlements.mac.plist' })
  const plist = readFileSync(config.mac.entitlements, 'utf8')
  const granted = [...plist.matchAll(/<key>([^<]+)<\/key>\s*<true\/>/g)].map((match) => match[1]).sort()
  expect(granted).toEqual(['com.apple.security.cs.allow-jit', 'com.apple.security.cs.allow-unsigned-executable-memory'])
  // electron-updater installs a macOS update from the zip.
  expect(config.mac.target).toEqual(['dmg', 'zip'])
})

test("Windows: signed with SHA-256 under the publisher whose signature every update must carry", () => {
  expect(config.win.signtoolOptions).toEqual({ publisherName: 'Allowance developers', signingHashAlgorithms: ['sha256'] })
  expect(config.win.verifyUpdateCodeSignature).toBe(true)
})

test('updates come from one HTTPS feed, with electron-updater a dependency of the app and Electron on its current major', () => {
  expect(config.publish).toEqual([{ provider: 'generic', url: expect.stringMatching(/^https:\/\//) }])
  expect(pkg.dependencies['electron-updater']).toMatch(/^\d+\.\d+\.\d+$/)
  expect(pkg.devDependencies.electron).toMatch(/^45\.\d+\.\d+$/)
  expect(pkg.dependencies.electron).toBeUndefined()
})

test('windows run isolated, sandboxed, without Node, webviews or insecure content, with a CommonJS preload (sandboxed preloads cannot be modules)', () => {
  expect(Windows.webPreferences()).toMatchObject({
    contextIsolation: true,
    sandbox: true,
    nodeIntegration: false,
    nodeIntegrationInWorker: false,
    nodeIntegrationInSubFrames: false,
    webSecurity: true,
    allowRunningInsecureContent: false,
    webviewTag: false,
    navigateOnDragDrop: false,
  })
  const preload = Windows.webPreferences().preload!
  expect(preload).toMatch(/out[/\\]preload[/\\]index\.cjs$|main[/\\]preload[/\\]index\.cjs$/)
  const built = readFileSync('out/preload/index.cjs', 'utf8')
  expect(built).toContain('require("electron")')
  expect(built).not.toMatch(/^\s*import\s/m)
})

test('the page is served with a CSP that allows its own scripts only: no eval, no inline script, no other origin, no framing', () => {
  const policy = Object.fromEntries(
    RendererFiles.securityHeaders['content-security-policy'].split(';').map((directive) => {
      const [name, ...values] = directive.trim().split(/\s+/)
      return [name!, values]
    }),
  )
  expect(policy['default-src']).toEqual(["'none'"])
  expect(policy['script-src']).toEqual(["'self'"])
  expect(policy['connect-src']).toEqual(["'self'"])
  expect(policy['frame-ancestors']).toEqual(["'none'"])
  expect(policy['base-uri']).toEqual(["'none'"])
  expect(Object.values(policy).flat().filter((value) => /unsafe|\*|https?:/.test(value))).toEqual([])
  // The built page's own policy adds nothing looser for scripts.
  const meta = readFileSync('out/renderer/index.html', 'utf8').match(/http-equiv="Content-Security-Policy" content="([^"]+)"/)![1]!
  expect(meta).toContain("script-src 'self';")
  expect(meta).not.toMatch(/unsafe-eval|script-src[^;]*unsafe-inline/)
})
