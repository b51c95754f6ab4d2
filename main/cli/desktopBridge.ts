import * as ErrorWords from '../shared/ErrorWords.js'
import * as BridgeCommand from './bridgeCommand.js'
import { UsageError } from './UsageError.js'

// The packaged desktop app's `allowance` for agent hosts: `allowance.mjs bridge …` and nothing
// else, bundled with every package it imports into one file (out/bridge/allowance.mjs, see
// scripts/build.mjs), run by the Node runtime the app ships beside it. Host entries written by the
// app start it; the full CLI comes with the npm package.

const [command, ...argv] = process.argv.slice(2)
if (command !== 'bridge') {
  console.error(`allowance: this is the Allowance desktop app's bridge for agent hosts; it runs \`bridge <url>\` or \`bridge --stdio -- <command>\` only.`)
  process.exitCode = 2
} else {
  BridgeCommand.run(argv).then(
    (code) => {
      if (code >= 0) process.exitCode = code
    },
    (error: unknown) => {
      console.error(error instanceof UsageError ? `allowance: ${error.message}\nSee \`allowance bridge --help\`.` : `allowance: ${ErrorWords.describe(error)}`)
      process.exitCode = error instanceof UsageError ? 2 : 1
    },
  )
}
