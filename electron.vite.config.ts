import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { readdirSync, readFileSync } from 'node:fs'
import { join, resolve } from 'node:path'
import type { Plugin } from 'vite'

// The Electron app: main process (main/app), preload (CommonJS, as sandboxed preloads must be)
// and the React renderer. The CLI and bridge are bundled separately by scripts/build.mjs.
// Dependencies stay external (electron-vite's default), the native ones (better-sqlite3,
// @napi-rs/keyring) necessarily: electron-builder packs them and rebuilds them for Electron.
export default defineConfig({
  main: {
    build: { outDir: 'out/main', lib: { entry: resolve('main/app/index.ts') }, rollupOptions: { external: ['better-sqlite3', '@napi-rs/keyring'] } },
    plugins: [copy('main/app/assets', 'assets')],
  },
  preload: {
    build: { outDir: 'out/preload', lib: { entry: resolve('preload/index.ts'), formats: ['cjs'] } },
  },
  renderer: {
    root: 'renderer',
    // Minified (electron-vite leaves it off by default): the headless companion serves this bundle to a browser.
    build: { outDir: 'out/renderer', minify: true, rollupOptions: { input: resolve('renderer/index.html') } },
    plugins: [react()],
  },
})

/** Copies a folder's files (the tray icons) beside the bundle, where the main process reads them. */
function copy(from: string, to: string): Plugin {
  return {
    name: 'allowance:copy',
    generateBundle() {
      for (const name of readdirSync(from)) this.emitFile({ type: 'asset', fileName: `${to}/${name}`, source: readFileSync(join(from, name)) })
    },
  }
}
