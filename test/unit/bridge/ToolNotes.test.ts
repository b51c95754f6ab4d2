// What the bridge does to a tool list: notes appended to the descriptions of tools with a known
// price, the status tool on the last page where enabled; nothing else of any tool changes.
import { expect, test } from 'vitest'
import * as ToolNotes from '../../../main/bridge/ToolNotes.js'

const page = {
  tools: [
    { name: 'free', description: 'Free.', inputSchema: { type: 'object', properties: { a: { type: 'string' } } }, annotations: { readOnlyHint: true } },
    { inputSchema: { type: 'object' }, name: 'search', description: 'Searches.', _meta: { x: 1 }, title: 'Search' },
    { name: 'bare', inputSchema: { type: 'object' } },
    'not a tool',
    null,
  ],
  nextCursor: undefined as string | undefined,
  _meta: { kept: true },
}
const notes = (overrides: Partial<Parameters<typeof ToolNotes.apply>[1]> = {}) => ({
  describePrices: true,
  statusTool: false,
  notes: { search: 'Costs about 0.01 USDC per call; Allowance pays it within your rules.', bare: 'Costs about 1 USDC per call; Allowance asks the user to approve each payment.', missing: 'x' },
  ...overrides,
})

test('appends the note to the described tools only, keeping every other field and their order', () => {
  const result = ToolNotes.apply(page, notes(), true)
  expect(result.tools[0]).toBe(page.tools[0])
  expect(result.tools[1]).toEqual({ ...(page.tools[1] as object), description: 'Searches.\n\nCosts about 0.01 USDC per call; Allowance pays it within your rules.' })
  expect(Object.keys(result.tools[1] as object)).toEqual(Object.keys(page.tools[1] as object))
  expect(result.tools[2]).toEqual({ name: 'bare', inputSchema: { type: 'object' }, description: 'Costs about 1 USDC per call; Allowance asks the user to approve each payment.' })
  expect(result.tools.slice(3)).toEqual(['not a tool', null])
  expect(result._meta).toBe(page._meta)
  expect(page.tools[1]!).toMatchObject({ description: 'Searches.' }) // the server's page is not mutated
})

test('with prices off, or nothing to say, the very same page goes out', () => {
  expect(ToolNotes.apply(page, notes({ describePrices: false }), true)).toBe(page)
  expect(ToolNotes.apply(page, notes({ notes: {} }), true)).toBe(page)
  expect(ToolNotes.apply({ notTools: 1 }, notes({ statusTool: true }), true)).toEqual({ notTools: 1 })
  // Names from the prototype are not notes.
  expect(ToolNotes.apply({ tools: [{ name: 'constructor' }, { name: '__proto__' }] }, notes({ notes: {} }), true)).toEqual({ tools: [{ name: 'constructor' }, { name: '__proto__' }] })
})

test('the status tool goes on the last page only, once, where enabled, and never over a server tool of its name', () => {
  const last = ToolNotes.apply(page, notes({ statusTool: true, describePrices: false }), true)
  expect(last.tools.at(-1)).toEqual(ToolNotes.statusTool)
  expect(last.tools.filter((tool) => (tool as { name?: string } | null)?.name === ToolNotes.statusToolName)).toHaveLength(1)
  expect(ToolNotes.apply(page, notes({ statusTool: true, describePrices: false }), false)).toBe(page)
  const taken = { tools: [{ name: ToolNotes.statusToolName, inputSchema: { type: 'object' } }] }
  expect(ToolNotes.apply(taken, notes({ statusTool: true }), true)).toBe(taken)
})
