// settings.json is read again when it changes: a token the user (or `allowance demo`) adds applies
// to the running companion, and a broken edit keeps what was in force instead of dropping it.
import { writeFileSync } from 'node:fs'
import { afterEach, expect, it } from 'vitest'
import { Companion } from '../../../main/companion/Companion.js'
import type { Logger } from '../../../main/shared/Log.js'
import * as Home from '../../../main/shared/Home.js'
import { temporaryHome } from '../../helpers/processes.js'

const home = temporaryHome()
const configPath = Home.paths(home.home).config
const errors: string[] = []
const log = { debug() {}, info() {}, warn() {}, error: (message: string) => errors.push(message), close: async () => {} } as Logger
const localToken = { method: 'evm', chainId: 31337, address: '0x5FbDB2315678afecb367f032d93F642f64180aa3', symbol: 'USDC', decimals: 6, usdPegged: true, testnet: true }
const knows = (companion: Companion) => companion.registry.entries.some((entry) => entry.kind === 'token' && entry.chainId === 31337)
let companion: Companion | undefined
/** The companion looks at the file at most once per event-loop turn. */
const nextTurn = () => new Promise((resolve) => setImmediate(resolve))

afterEach(() => {
  companion?.close()
  home.remove()
})

it('applies an edit of settings.json to the running companion; a broken edit keeps the settings in force', async () => {
  companion = Companion.open(home.home, log)
  expect(knows(companion)).toBe(false)

  writeFileSync(configPath, JSON.stringify({ tokens: [localToken], rpc: { 31337: 'http://127.0.0.1:8545' } }))
  await nextTurn()
  expect(knows(companion)).toBe(true)
  expect(companion.config.rpc).toEqual({ 31337: 'http://127.0.0.1:8545' })

  writeFileSync(configPath, '{ "tokens": [ ')
  await nextTurn()
  expect(knows(companion)).toBe(true)
  expect(companion.config.rpc).toEqual({ 31337: 'http://127.0.0.1:8545' })
  expect(errors).toEqual([expect.stringMatching(/is not valid JSON .*; keeping the settings read before\.$/)])

  writeFileSync(configPath, JSON.stringify({ tokens: [] }))
  await nextTurn()
  expect(knows(companion)).toBe(false)
})
