/**
 * RFC 4180 CSV with a header row from the records' keys. A text cell that a spreadsheet would
 * run as a formula (`=`, `+`, `-`, `@`) gets a leading `'`: servers choose tool names and errors.
 */
export function write(records: readonly Record<string, string | number | null>[], header: readonly string[]): string {
  const cell = (value: string | number | null) => {
    if (value === null) return ''
    const text = typeof value === 'number' ? String(value) : /^[=+\-@\t\r]/.test(value) ? `'${value}` : value
    return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text
  }
  return [header.join(','), ...records.map((record) => header.map((key) => cell(record[key] ?? null)).join(','))].join('\r\n')
}
