/**
 * `--header "Name: value"` arguments, with `${VAR}` taken from the environment so that secrets
 * can live in the host's `env` block instead of the command line. `Name:value` without a space
 * is accepted too (some hosts split arguments on spaces).
 */
export function parse(values: readonly string[], env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const headers: Record<string, string> = {}
  for (const raw of values) {
    const colon = raw.indexOf(':')
    const name = colon > 0 ? raw.slice(0, colon).trim() : ''
    if (!/^[!#$%&'*+.^_`|~0-9A-Za-z-]+$/.test(name)) {
      throw new Error(`--header "${raw}" is not of the form "Name: value".`)
    }
    const value = raw.slice(colon + 1).trim().replace(/\$\{([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, variable: string) => {
      const expanded = env[variable]
      if (expanded === undefined) throw new Error(`--header ${name} uses \${${variable}}, which is not set in the environment.`)
      return expanded
    })
    if (/[\r\n\0]/.test(value)) throw new Error(`--header ${name} has a line break or NUL in its value.`)
    headers[name] = value
  }
  return headers
}
