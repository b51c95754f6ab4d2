// The Node runtime the packaged app ships for its bridge (resources/runtime/node, or node.exe):
// agent hosts start the bridge with it, so a user of the app needs no Node of their own, and the
// app's Electron binary never runs as Node (its runAsNode fuse is off). It is Node's official
// build for the target, downloaded at packaging time and checked against Node's published
// SHA-256 sums, or, for offline packaging, a Node binary named by ALLOWANCE_BRIDGE_NODE.
import { spawnSync } from 'node:child_process'
import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs'
import { tmpdir } from 'node:os'
import { join } from 'node:path'

/** Node's current long-term-support line (Electron 45 runs on Node 24 too). */
export const nodeVersion = '24.22.3'

/** Where Node's releases are served; NODEJS_ORG_MIRROR (node-gyp's variable) names a mirror. */
export const defaultMirror = 'https://nodejs.org/dist'

/** The folder electron-builder.yml's extraResources copies to resources/runtime, for a target. */
export function folder(projectDir, os, arch) {
  return join(projectDir, 'build', 'runtime', `${os}-${arch}`)
}

/**
 * Node's release file for an electron-builder target (`os`: mac, win or linux) and the members
 * to take from it: the binary and its licence.
 */
export function artifact(os, arch, version = nodeVersion) {
  const platform = { mac: 'darwin', win: 'win', linux: 'linux' }[os]
  if (!platform || !['x64', 'arm64'].includes(arch)) throw new Error(`No Node runtime for ${os}-${arch}: Allowance packages x64 and arm64 only.`)
  const base = `node-v${version}-${platform}-${arch}`
  if (os === 'win') return { file: `${base}.zip`, binary: `${base}/node.exe`, license: `${base}/LICENSE`, name: 'node.exe' }
  return { file: `${base}.tar.gz`, binary: `${base}/bin/node`, license: `${base}/LICENSE`, name: 'node' }
}

/**
 * Puts the runtime for `os`-`arch` in its folder (once: a runtime already there is kept) and
 * returns the folder. `env.ALLOWANCE_BRIDGE_NODE` names a Node binary to ship instead of
 * downloading one: it must be built for the target and run without libraries of its own (an
 * official build; not, say, Homebrew's, which needs Homebrew's libraries).
 */
export async function provide({ projectDir, os, arch, env = process.env, fetch = globalThis.fetch }) {
  const target = folder(projectDir, os, arch)
  const { file, binary, license, name } = artifact(os, arch)
  if (env.ALLOWANCE_BRIDGE_NODE) {
    rmSync(target, { recursive: true, force: true })
    mkdirSync(target, { recursive: true })
    copyFileSync(env.ALLOWANCE_BRIDGE_NODE, join(target, name))
    chmodSync(join(target, name), 0o755)
    writeFileSync(join(target, 'LICENSE'), 'This Node.js runtime is licensed as https://github.com/nodejs/node/blob/main/LICENSE says.\n')
    return target
  }
  // A runtime of this version fetched before is kept; any other is replaced.
  const marker = join(target, 'VERSION')
  if (existsSync(join(target, name)) && existsSync(marker) && readFileSync(marker, 'utf8') === nodeVersion) return target
  rmSync(target, { recursive: true, force: true })
  mkdirSync(target, { recursive: true })
  const mirror = (env.NODEJS_ORG_MIRROR || defaultMirror).replace(/\/$/, '')
  const base = `${mirror}/v${nodeVersion}`
  const sums = await text(fetch, `${base}/SHASUMS256.txt`)
  const expected = sums.split('\n').map((line) => line.trim().split(/\s+/)).find(([, listed]) => listed === file)?.[0]
  if (!expected) throw new Error(`${base}/SHASUMS256.txt lists no ${file}.`)
  const archive = Buffer.from(await (await ok(fetch, `${base}/${file}`)).arrayBuffer())
  const actual = createHash('sha256').update(archive).digest('hex')
  if (actual !== expected) throw new Error(`${file} does not match its SHA-256 in SHASUMS256.txt (${actual}, expected ${expected}): not shipped.`)
  const scratch = mkdtempSync(join(tmpdir(), 'allowance-node-'))
  try {
    writeFileSync(join(scratch, file), archive)
    // bsdtar (macOS, Windows 10+) reads zip and tar.gz; GNU tar reads tar.gz.
    const result = spawnSync('tar', ['-xf', join(scratch, file), '-C', scratch, binary, license], { encoding: 'utf8' })
    if (result.status !== 0) throw new Error(`Could not unpack ${file}: ${result.stderr || result.error?.message}`)
    copyFileSync(join(scratch, binary), join(target, name))
    chmodSync(join(target, name), 0o755)
    copyFileSync(join(scratch, license), join(target, 'LICENSE'))
    writeFileSync(marker, nodeVersion)
  } finally {
    rmSync(scratch, { recursive: true, force: true })
  }
  return target
}

async function ok(fetch, url) {
  const response = await fetch(url)
  if (!response.ok) throw new Error(`${url}: HTTP ${response.status}`)
  return response
}

async function text(fetch, url) {
  return (await ok(fetch, url)).text()
}
