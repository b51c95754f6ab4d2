import type { ToolNotes } from '../wire/Messages.js'

/**
 * What the bridge adds to the server's tool list, where the user wants it and a companion already
 * runs: each paid tool's known price (and what the user's rules would do with it) appended to its
 * description, and the read-only status tool. A tool's name, schema and every other field stay as
 * the server sent them; tools without a known price are not touched at all.
 */

export const statusToolName = 'allowance_payments_status'

/** The read-only status tool: no arguments, nothing it can change. */
export const statusTool = {
  name: statusToolName,
  title: 'Allowance: payments status',
  description:
    "Read-only. Tells you what Allowance, the user's payment companion, would do with this server's paid tools: the budget left, which calls it pays without asking and which wait for the user's approval, and the prices it knows. It cannot approve, change or reveal anything else.",
  inputSchema: { type: 'object', properties: {} },
  annotations: { readOnlyHint: true, destructiveHint: false, idempotentHint: true, openWorldHint: false },
} as const

/**
 * The result of a `tools/list` page with the notes applied. `lastPage` (no `nextCursor`) is where
 * the status tool goes, when the user enabled it and the server has no tool of that name.
 *
 * @example
 * ```ts
 * import * as ToolNotes from './ToolNotes.js'
 *
 * const page = { tools: [{ name: 'search', description: 'Searches.', inputSchema: { type: 'object' } }] }
 * const notes = { describePrices: true, statusTool: false, notes: { search: 'Costs about 0.01 USDC per call; Allowance pays it within your rules.' } }
 * ToolNotes.apply(page, notes, true).tools[0].description
 * // 'Searches.\n\nCosts about 0.01 USDC per call; Allowance pays it within your rules.'
 * ```
 */
export function apply<Result extends Record<string, unknown>>(result: Result, answer: ToolNotes, lastPage: boolean): Result {
  const tools = result.tools
  if (!Array.isArray(tools)) return result
  let changed = false
  const listed = tools.map((tool: unknown) => {
    if (!answer.describePrices || typeof tool !== 'object' || tool === null) return tool
    const { name, description } = tool as { name?: unknown; description?: unknown }
    if (typeof name !== 'string' || !Object.hasOwn(answer.notes, name)) return tool
    const note = answer.notes[name]
    if (typeof note !== 'string' || note === '') return tool
    changed = true
    return { ...tool, description: typeof description === 'string' && description !== '' ? `${description}\n\n${note}` : note }
  })
  if (offersStatusTool(result, answer, lastPage)) {
    listed.push(statusTool)
    changed = true
  }
  return changed ? { ...result, tools: listed } : result
}

/** Whether {@link apply} puts the status tool on this page. */
export function offersStatusTool(result: Record<string, unknown>, answer: Pick<ToolNotes, 'statusTool'>, lastPage: boolean): boolean {
  const tools = result.tools
  return answer.statusTool && lastPage && Array.isArray(tools) && !tools.some((tool) => (tool as { name?: unknown } | null)?.name === statusToolName)
}

/** The status tool's answer as a tool result; an error result when it could not be had. */
export function statusResult(text: string, isError: boolean): { content: { type: 'text'; text: string }[]; isError?: true } {
  return isError ? { content: [{ type: 'text', text }], isError: true } : { content: [{ type: 'text', text }] }
}
