// What packaging does before electron-builder packs (scripts/packaging/): a release refuses to
// start without its signing and notarization variables, and the Node runtime the app ships for
// its bridge is Node's official build for the target, refused unless it matches Node's SHA-256
// sums. Node's server is played by a function answering as it does.
import { execFileSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join, resolve } from 'node:path'
import { afterAll, expect, test } from 'vitest'

type Provide = (options: { projectDir: string; os: string; arch: string; env?: NodeJS.ProcessEnv; fetch?: (url: string) => Promise<Response> }) => Promise<string>
const BridgeRuntime = (await import(resolve('scripts/packaging/bridgeRuntime.mjs'))) as { provide: Provide; nodeVersion: string; artifact(os: string, arch: string): { file: string } }
const Signing = (await import(resolve('scripts/packaging/signing.mjs'))) as { missing(os: string, env: NodeJS.ProcessEnv): string[] }
const beforePack = ((await import(resolve('scripts/packaging/beforePack.mjs'))) as { default: (context: unknown) => Promise<void> }).default

const scratch = mkdtempSync(join(tmpdir(), 'allowance-release-'))
afterAll(() => rmSync(scratch, { recursive: true, force: true }))

/** Node's release of linux-x64 as its server lists it: a tarball holding bin/node and LICENSE, and the sums. */
function release(binary = 'the node binary') {
  const base = `node-v${BridgeRuntime.nodeVersion}-linux-x64`
  const folder = mkdtempSync(join(scratch, 'release-'))
  mkdirSync(join(folder, base, 'bin'), { recursive: true })
  writeFileSync(join(folder, base, 'bin', 'node'), binary)
  writeFileSync(join(folder, base, 'LICENSE'), 'Node.js is licensed for use as follows: MIT')
  execFileSync('tar', ['-czf', join(folder, `${base}.tar.gz`), '-C', folder, base])
  const archive = new Uint8Array(readFileSync(join(folder, `${base}.tar.gz`)))
  const sums = `${createHash('sha256').update(archive).digest('hex')}  ${base}.tar.gz\n${'0'.repeat(64)}  ${base}.zip\n`
  return { archive, sums }
}

/** A fetch answering for one release at the default mirror, recording what was asked. */
function server(files: Record<string, string | Uint8Array<ArrayBuffer>>) {
  const asked: string[] = []
  const fetch = async (url: string) => {
    asked.push(url)
    const name = url.replace(`https://nodejs.org/dist/v${BridgeRuntime.nodeVersion}/`, '')
    return name in files ? new Response(files[name]!) : new Response('not found', { status: 404 })
  }
  return { fetch, asked }
}

test("the runtime is Node's official build for the target, its sum checked, unpacked with its licence, and fetched once per version", async () => {
  const projectDir = mkdtempSync(join(scratch, 'project-'))
  const { archive, sums } = release()
  const node = server({ 'SHASUMS256.txt': sums, [BridgeRuntime.artifact('linux', 'x64').file]: archive })
  const folder = await BridgeRuntime.provide({ projectDir, os: 'linux', arch: 'x64', env: {}, fetch: node.fetch })
  expect(folder).toBe(join(projectDir, 'build', 'runtime', 'linux-x64'))
  expect(readFileSync(join(folder, 'node'), 'utf8')).toBe('the node binary')
  expect(readFileSync(join(folder, 'LICENSE'), 'utf8')).toContain('MIT')
  expect(node.asked).toEqual([`https://nodejs.org/dist/v${BridgeRuntime.nodeVersion}/SHASUMS256.txt`, `https://nodejs.org/dist/v${BridgeRuntime.nodeVersion}/node-v${BridgeRuntime.nodeVersion}-linux-x64.tar.gz`])
  await BridgeRuntime.provide({ projectDir, os: 'linux', arch: 'x64', env: {}, fetch: node.fetch })
  expect(node.asked).toHaveLength(2)
})

test('an archive that does not match its published sum is refused and nothing is shipped', async () => {
  const projectDir = mkdtempSync(join(scratch, 'project-'))
  const { sums } = release()
  const tampered = release('a node binary with something added').archive
  const node = server({ 'SHASUMS256.txt': sums, [BridgeRuntime.artifact('linux', 'x64').file]: tampered })
  await expect(BridgeRuntime.provide({ projectDir, os: 'linux', arch: 'x64', env: {}, fetch: node.fetch })).rejects.toThrow(/does not match its SHA-256/)
  expect(existsSync(join(projectDir, 'build', 'runtime', 'linux-x64', 'node'))).toBe(false)
  await expect(BridgeRuntime.provide({ projectDir, os: 'linux', arch: 'x64', env: {}, fetch: server({ 'SHASUMS256.txt': '' }).fetch })).rejects.toThrow(/lists no node-v/)
})

test('each target gets its own release file, and a 32-bit one none', () => {
  const v = BridgeRuntime.nodeVersion
  expect(BridgeRuntime.artifact('mac', 'arm64')).toMatchObject({ file: `node-v${v}-darwin-arm64.tar.gz`, binary: `node-v${v}-darwin-arm64/bin/node`, name: 'node' })
  expect(BridgeRuntime.artifact('win', 'x64')).toMatchObject({ file: `node-v${v}-win-x64.zip`, binary: `node-v${v}-win-x64/node.exe`, name: 'node.exe' })
  expect(() => BridgeRuntime.artifact('win', 'ia32')).toThrow(/x64 and arm64 only/)
})

test('a release names every missing signing or notarization variable; with them, nothing is missing', () => {
  expect(Signing.missing('mac', {})).toEqual([expect.stringContaining('CSC_LINK'), expect.stringContaining('APPLE_API_KEY')])
  expect(Signing.missing('mac', { CSC_LINK: 'cert.p12', CSC_KEY_PASSWORD: 'p', APPLE_ID: 'me@example.com', APPLE_APP_SPECIFIC_PASSWORD: 'x', APPLE_TEAM_ID: 'T' })).toEqual([])
  expect(Signing.missing('mac', { CSC_NAME: 'Developer ID Application: Allowance', APPLE_API_KEY: 'k.p8', APPLE_API_KEY_ID: 'K', APPLE_API_ISSUER: 'I' })).toEqual([])
  expect(Signing.missing('mac', { CSC_LINK: 'cert.p12', APPLE_ID: 'me@example.com' })).toEqual([expect.stringContaining('notarization')])
  expect(Signing.missing('win', {})).toEqual([expect.stringContaining('publisherName')])
  expect(Signing.missing('win', { WIN_CSC_LINK: 'cert.pfx' })).toEqual([])
  expect(Signing.missing('linux', {})).toEqual([])
})

test("the beforePack hook stops a release that cannot be signed before anything is packed, and otherwise provides the target's runtime", async () => {
  const projectDir = mkdtempSync(join(scratch, 'project-'))
  const context = (forceCodeSigning: boolean, key: string, arch: number) => ({ arch, packager: { projectDir, config: { forceCodeSigning }, platform: { buildConfigurationKey: key } } })
  await expect(beforePack(context(true, 'mac', 3))).rejects.toThrow(/A release for mac must be signed; set:\n- CSC_LINK/)
  const saved = process.env.ALLOWANCE_BRIDGE_NODE
  process.env.ALLOWANCE_BRIDGE_NODE = process.execPath
  try {
    await beforePack(context(false, 'linux', 1))
  } finally {
    if (saved === undefined) delete process.env.ALLOWANCE_BRIDGE_NODE
    else process.env.ALLOWANCE_BRIDGE_NODE = saved
  }
  expect(readFileSync(join(projectDir, 'build', 'runtime', 'linux-x64', 'node')).equals(readFileSync(process.execPath))).toBe(true)
})
