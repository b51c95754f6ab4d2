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

/** `{"query":"weather in Par…","apiKey":"[redacted]"}`, at most 160 characters. */
export function preview(value: unknown): string | null {
  if (value === undefined || value === null) return null
  const text = JSON.stringify(value, (key, member: unknown) => {
    if (key && secretKey.test(key)) return '[redacted]'
    if (typeof member === 'string' && member.length > 24) return `${member.slice(0, 24)}…`
    if (typeof member === 'bigint') return member.toString()
    return member
  })
  return text.length > 160 ? `${text.slice(0, 159)}…` : text
}
