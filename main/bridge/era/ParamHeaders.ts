/**
 * Tool parameters that a modern server asks clients to mirror into HTTP headers: a property of a
 * tool's `inputSchema` marked `x-mcp-header: Name` travels as `Mcp-Param-Name`, so gateways can
 * route on it. Learned from `tools/list`; a tool whose marks break the revision's rules is left
 * out of the list the host sees, as the revision requires of HTTP clients.
 */
export class ParamHeaders {
  private readonly byTool = new Map<string, Mark[]>()

  /** Learns a page of tools; answers the page without the tools whose marks are invalid, and why. */
  learn(result: Record<string, unknown>): { result: Record<string, unknown>; rejected: { tool: string; reason: string }[] } {
    if (!Array.isArray(result.tools)) return { result, rejected: [] }
    const rejected: { tool: string; reason: string }[] = []
    const kept = result.tools.filter((tool: { name?: unknown; inputSchema?: unknown }) => {
      if (typeof tool?.name !== 'string') return true
      const marks = marksIn(tool.inputSchema)
      if (typeof marks === 'string') {
        rejected.push({ tool: tool.name, reason: marks })
        this.byTool.delete(tool.name)
        return false
      }
      if (marks.length > 0) this.byTool.set(tool.name, marks)
      else this.byTool.delete(tool.name)
      return true
    })
    return { result: rejected.length > 0 ? { ...result, tools: kept } : result, rejected }
  }

  /** The `Mcp-Param-*` headers of a `tools/call`, from the arguments at each marked path. */
  headersFor(request: { method: string; params?: unknown }): Record<string, string> {
    if (request.method !== 'tools/call') return {}
    const params = (request.params ?? {}) as { name?: unknown; arguments?: unknown }
    const marks = typeof params.name === 'string' ? this.byTool.get(params.name) : undefined
    if (!marks) return {}
    const headers: Record<string, string> = {}
    for (const mark of marks) {
      let value: unknown = params.arguments
      for (const key of mark.path) value = typeof value === 'object' && value !== null ? (value as Record<string, unknown>)[key] : undefined
      if (typeof value === 'string') headers[`mcp-param-${mark.name.toLowerCase()}`] = headerValue(value)
      else if (typeof value === 'boolean' || (typeof value === 'number' && Number.isSafeInteger(value))) headers[`mcp-param-${mark.name.toLowerCase()}`] = String(value)
    }
    return headers
  }
}

type Mark = { name: string; path: string[] }

/** A header value as the revision encodes it: plain when it is safe ASCII, else the base64 sentinel. */
export function headerValue(value: string): string {
  const plain = /^[\x21-\x7e]([\x20-\x7e]*[\x21-\x7e])?$/.test(value) && !(value.startsWith('=?base64?') && value.endsWith('?='))
  return plain ? value : `=?base64?${Buffer.from(value, 'utf8').toString('base64')}?=`
}

const token = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/

/**
 * The marks of a schema, or why they are invalid: each must be an HTTP token, unique regardless
 * of case, on a string, integer or boolean property reached through `properties` alone.
 */
function marksIn(schema: unknown): Mark[] | string {
  const marks: Mark[] = []
  const walk = (node: unknown, path: string[]): string | undefined => {
    const properties = (node as { properties?: unknown } | null)?.properties
    if (typeof properties !== 'object' || properties === null) return undefined
    for (const [key, property] of Object.entries(properties as Record<string, unknown>)) {
      const mark = (property as Record<string, unknown> | null)?.['x-mcp-header']
      if (mark !== undefined) {
        if (typeof mark !== 'string' || !token.test(mark)) return `x-mcp-header ${JSON.stringify(mark)} on ${[...path, key].join('.')} is not an HTTP token`
        const type = (property as { type?: unknown }).type
        if (type !== 'string' && type !== 'integer' && type !== 'boolean') return `x-mcp-header ${mark} is on a ${JSON.stringify(type)} property`
        if (marks.some((other) => other.name.toLowerCase() === mark.toLowerCase())) return `x-mcp-header ${mark} appears twice`
        marks.push({ name: mark, path: [...path, key] })
      }
      const problem = walk(property, [...path, key])
      if (problem) return problem
    }
    return undefined
  }
  const problem = walk(schema, [])
  if (problem) return problem
  // A mark anywhere else (under items, oneOf, $ref…) makes the whole definition invalid.
  return countMarks(schema) === marks.length ? marks : 'an x-mcp-header is not reachable through properties alone'
}

function countMarks(node: unknown): number {
  if (typeof node !== 'object' || node === null) return 0
  let count = 0
  for (const [key, value] of Object.entries(node)) count += (key === 'x-mcp-header' ? 1 : 0) + countMarks(value)
  return count
}
