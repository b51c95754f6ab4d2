import { hash as digest } from 'node:crypto'

/**
 * What the ledger keeps of a call's arguments: a SHA-256 of their canonical JSON (keys sorted at
 * every level) so the loop breaker can recognise the same call, and a short redacted preview for
 * history. The raw arguments are never stored.
 */
export function hash(value: unknown): string {
  return digest('sha256', canonical(value), 'hex') // one-shot: a Hash object costs more than hashing a short text
}

/** JSON with object keys sorted at every level; `undefined` members dropped, as JSON does. */
export function canonical(value: unknown): string {
  if (value === undefined) return 'null'
  return JSON.stringify(value, (_key, member: unknown) => {
    if (typeof member === 'bigint') return member.toString()
    if (typeof member !== 'object' || member === null || Array.isArray(member)) return member
    const entries = Object.entries(member as Record<string, unknown>).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))
    return Object.fromEntries(entries)
  })
}

const secretKey = /pass|secret|token|key|auth|credential|cookie|session|private|signature|spt/i

/**
 * `{"query":"weather in Par…","apiKey":"[redacted]"}`, at most 160 characters. An object too long
 * keeps its first members whole and counts the rest under `"…"`, so the preview stays JSON the UI
 * can list; anything else too long is cut.
 */
export function preview(value: unknown): string | null {
  if (value === undefined || value === null) return null
  const text = (shown: unknown) =>
    JSON.stringify(shown, (key, member: unknown) => {
      if (key && secretKey.test(key)) return '[redacted]'
      if (typeof member === 'string' && member.length > 24) return `${member.slice(0, 24)}…`
      if (typeof member === 'bigint') return member.toString()
      return member
    })
  const whole = text(value)
  if (whole.length <= previewLength) return whole
  if (typeof value === 'object' && !Array.isArray(value)) {
    const entries = Object.entries(value)
    for (let kept = entries.length - 1; kept > 0; kept--) {
      const shortened = text({ ...Object.fromEntries(entries.slice(0, kept)), '…': `${entries.length - kept} more` })
      if (shortened.length <= previewLength) return shortened
    }
  }
  return `${whole.slice(0, previewLength - 1)}…`
}

const previewLength = 160
