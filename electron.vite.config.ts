import react from '@vitejs/plugin-react'
import { defineConfig } from 'electron-vite'
import { resolve } from 'node:path'

// The Electron app: main process (main/app), preload (CommonJS, as sandboxed preloads must be)
// and the React renderer. The CLI and bridge are bundled separately by scripts/build.mjs.
export default defineConfig({
  main: {
    build: { outDir: 'out/main', lib: { entry: resolve('main/app/index.ts') }, rollupOptions: { external: ['better-sqlite3', '@napi-rs/keyring'] } },
  },
  preload: {
    build: { outDir: 'out/preload', lib: { entry: resolve('preload/index.ts'), formats: ['cjs'] } },
  },
  renderer: {
    root: 'renderer',
    build: { outDir: 'out/renderer', rollupOptions: { input: resolve('renderer/index.html') } },
    plugins: [react()],
  },
})
