import { defineConfig } from 'vitest/config'

export default defineConfig({
  test: {
    include: ['test/**/*.test.ts'],
    globalSetup: ['test/globalSetup.ts'],
    // Many tests run the CLI or start servers several times over; a loaded machine makes each run slow.
    testTimeout: 60_000,
    hookTimeout: 90_000,
    pool: 'forks',
    // Integration tests start servers and bridges as processes; two cores run two files at a time.
    maxWorkers: 2,
  },
})
