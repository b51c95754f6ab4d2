import { mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs'
import { dirname } from 'node:path'
import type { UpstreamTarget } from '../UpstreamTarget.js'
import type { Era } from './Era.js'

/**
 * Which era each upstream spoke last time, so that a bridge started again skips the probe: the
 * revision lets clients keep the verdict across restarts of the same server configuration and
 * re-probe when it stops holding. One small JSON file per data directory, shared by all bridges;
 * a lost or unreadable file only costs a probe.
 */
export class EraMemory {
  constructor(private readonly file: string) {}

  recall(target: UpstreamTarget): Era | undefined {
    const era = this.read()[keyOf(target)]?.era
    return era === 'modern' || era === 'legacy' ? era : undefined
  }

  /** Records a verdict; writes only when it changed. Never throws: memory is an optimisation. */
  remember(target: UpstreamTarget, era: Era): void {
    const entries = this.read()
    const key = keyOf(target)
    if (entries[key]?.era === era) return
    entries[key] = { era, checkedAt: new Date().toISOString() }
    try {
      mkdirSync(dirname(this.file), { recursive: true, mode: 0o700 })
      // Bridges start in parallel: a whole-file rename never leaves a half-written file behind.
      const temporary = `${this.file}.${process.pid}.tmp`
      writeFileSync(temporary, JSON.stringify(entries, null, 2), { mode: 0o600 })
      renameSync(temporary, this.file)
    } catch {}
  }

  private read(): Record<string, { era?: unknown; checkedAt?: unknown } | undefined> {
    try {
      const value: unknown = JSON.parse(readFileSync(this.file, 'utf8'))
      return typeof value === 'object' && value !== null && !Array.isArray(value) ? (value as Record<string, { era?: unknown }>) : {}
    } catch {
      return {}
    }
  }
}

/** A server's identity for its era: the endpoint without query or credentials, or the command line. */
function keyOf(target: UpstreamTarget): string {
  if (target.kind === 'stdio') return [target.command, ...target.args].join(' ')
  return `${target.url.origin}${target.url.pathname}`
}
