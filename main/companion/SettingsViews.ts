import * as Settings from '../ledger/Settings.js'
import type { SettingsView } from '../uiapi/Contract.js'

/**
 * The companion's settings the UI shows and changes, as plain JSON with their words (the shape is
 * in uiapi/Contract.ts): for now how long a payment waits for a human before it is declined
 * (`approvalTimeoutMs` in the ledger).
 */

/** The waits the UI offers; the ledger accepts any whole second count from 1 s to an hour (the CLI can set those). */
export const offeredWaitsMs = [30_000, 60_000, 120_000, 300_000, 600_000, 1_800_000, 3_600_000] as const

export function settings(settings: Settings.Settings): SettingsView {
  const ms = settings.approvalTimeoutMs
  const offered: number[] = offeredWaitsMs.includes(ms as never) ? [...offeredWaitsMs] : [...offeredWaitsMs, ms].sort((a, b) => a - b)
  return { approvalTimeout: { ms, text: waitText(ms), choices: offered.map((choice) => ({ ms: choice, text: waitText(choice) })) } }
}

/** "30 seconds", "1 minute", "90 seconds", "1 hour": the largest unit that says it exactly. */
export function waitText(ms: number): string {
  const seconds = Math.round(ms / 1000)
  const [value, unit] = seconds % 3600 === 0 ? [seconds / 3600, 'hour'] : seconds % 60 === 0 ? [seconds / 60, 'minute'] : [seconds, 'second']
  return new Intl.NumberFormat('en', { style: 'unit', unit, unitDisplay: 'long' }).format(value)
}
