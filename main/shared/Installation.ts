import { existsSync } from 'node:fs'
import { dirname, join } from 'node:path'
import { fileURLToPath } from 'node:url'

/**
 * A file of the installation this code runs from, by its path from the package root: the bundles
 * live in `dist/`, `dist/chunks/` or `out/main/`, the sources one folder under `main/`, so the
 * first ancestor that has it wins.
 */
export function find(relative: string): string | undefined {
  for (let directory = dirname(fileURLToPath(import.meta.url)), depth = 0; depth < 4; directory = dirname(directory), depth++) {
    const candidate = join(directory, relative)
    if (existsSync(candidate)) return candidate
  }
  return undefined
}
