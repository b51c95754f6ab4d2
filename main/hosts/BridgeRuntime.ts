import { createHash } from 'node:crypto'
import { chmodSync, copyFileSync, existsSync, mkdirSync, readFileSync, renameSync, statSync } from 'node:fs'
import { join } from 'node:path'

/**
 * The bridge a packaged desktop app ships for agent hosts: a Node runtime (`runtime/node`, or
 * `node.exe`) and the self-contained bridge bundle (`bridge/allowance.mjs`) in its resources
 * folder, outside the asar archive, where a plain Node can read them. electron-builder.yml puts
 * them there; scripts/packaging/ fetches the runtime.
 */
export type Files = { node: string; script: string }

/** The runtime and bundle in `resourcesPath`, if this installation ships them. */
export function bundled(resourcesPath: string, platform: NodeJS.Platform): Files | undefined {
  const node = join(resourcesPath, 'runtime', nodeName(platform))
  const script = join(resourcesPath, 'bridge', 'allowance.mjs')
  return existsSync(node) && existsSync(script) ? { node, script } : undefined
}

/**
 * Copies `files` into `directory`, each only when it differs from the copy there, and returns the
 * copies: for an installation whose own files are not there for good (an AppImage's are mounted
 * while it runs). The copies stay where they are across updates, so hosts' entries stay valid.
 */
export function stage(files: Files, directory: string, platform: NodeJS.Platform): Files {
  mkdirSync(directory, { recursive: true })
  const staged = { node: join(directory, nodeName(platform)), script: join(directory, 'allowance.mjs') }
  copyWhenChanged(files.node, staged.node, 0o755)
  copyWhenChanged(files.script, staged.script, 0o644)
  return staged
}

function nodeName(platform: NodeJS.Platform): string {
  return platform === 'win32' ? 'node.exe' : 'node'
}

/** Replaces `to` in one step (a bridge running the old copy keeps it). */
function copyWhenChanged(from: string, to: string, mode: number): void {
  if (existsSync(to) && statSync(to).size === statSync(from).size && digest(to) === digest(from)) return
  const temporary = `${to}.${process.pid}.tmp`
  copyFileSync(from, temporary)
  chmodSync(temporary, mode)
  renameSync(temporary, to)
}

function digest(path: string): string {
  return createHash('sha256').update(readFileSync(path)).digest('hex')
}
