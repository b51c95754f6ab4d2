import * as Jsonc from 'jsonc-parser'

/**
 * Minimal edits of a JSON or JSONC text: one property set, added or taken out, written in the
 * text's own indentation and line endings, every other byte left as it was. (jsonc-parser's
 * `modify` re-formats the whole lines around an edit, so a one-line file would become many
 * lines; its tree finds the property here, and `applyEdits` applies exactly what is written.)
 *
 * A property added goes after the last one, on its own line in a multi-line object (its comma
 * right after the previous value, before any comment there) or inline in a one-line object, so
 * that `remove` gives back the text as it was before, byte for byte.
 */

/** The text with the value at `path` replaced, or the property added with any parent object it lacks. */
export function set(text: string, path: readonly string[], value: unknown): string {
  if (text.trim() === '') return `${JSON.stringify(nest(path, value), null, 2)}\n`
  const { eol, unit } = style(text)
  let parent = Jsonc.parseTree(text)!
  let depth = 0
  for (; depth < path.length - 1; depth++) {
    const next = Jsonc.findNodeAtLocation(parent, [path[depth]!])
    if (!next) break
    parent = next
  }
  const key = path[depth]!
  const rest = nest(path.slice(depth + 1), value)
  const existing = depth === path.length - 1 ? Jsonc.findNodeAtLocation(parent, [key]) : undefined
  if (existing) {
    const content = render(rest, indentOf(text, existing.parent!.offset), unit, eol, oneLine(text, parent))
    return Jsonc.applyEdits(text, [{ offset: existing.offset, length: existing.length, content }])
  }
  return Jsonc.applyEdits(text, insert(text, parent, key, rest, unit, eol))
}

/** The text with the value at `path` replaced by `valueText` as it stands (what `valueText` read before). */
export function restore(text: string, path: readonly string[], valueText: string): string {
  const node = Jsonc.findNodeAtLocation(Jsonc.parseTree(text)!, [...path])
  return !node ? text : Jsonc.applyEdits(text, [{ offset: node.offset, length: node.length, content: valueText }])
}

/** The value at `path` as written in the text, comments inside it included. */
export function valueText(text: string, path: readonly string[]): string | undefined {
  const node = Jsonc.findNodeAtLocation(Jsonc.parseTree(text)!, [...path])
  return node && text.slice(node.offset, end(node))
}

/**
 * The text without the property at `path`: its own line(s) go, and the comma that separated it;
 * an object left holding only whitespace closes up to `{}`.
 */
export function remove(text: string, path: readonly string[]): string {
  const value = Jsonc.findNodeAtLocation(Jsonc.parseTree(text)!, [...path])
  if (!value) return text
  const property = value.parent!
  const object = property.parent!
  const siblings = object.children!
  const index = siblings.indexOf(property)
  const comma = /^[ \t]*,/.exec(text.slice(end(property)))
  let from: number
  let to = end(property) + (comma ? comma[0].length : 0)
  const edits: Jsonc.Edit[] = []
  if (startsLine(text, property.offset)) {
    const lineStart = text.lastIndexOf('\n', property.offset - 1)
    from = text[lineStart - 1] === '\r' ? lineStart - 1 : lineStart
    const previous = siblings[index - 1]
    // The last property without a comma of its own: the comma before it separated it, and goes too.
    if (!comma && previous) {
      const separator = /^[ \t]*,/.exec(text.slice(end(previous)))
      if (separator) edits.push({ offset: end(previous) + separator[0].length - 1, length: 1, content: '' })
    }
  } else if (index > 0) {
    from = end(siblings[index - 1]!)
    to = end(property)
  } else {
    from = property.offset
    if (siblings[1]) to = siblings[1].offset
  }
  const inside = text.slice(object.offset + 1, from) + text.slice(to, end(object) - 1)
  if (siblings.length === 1 && inside.trim() === '') return Jsonc.applyEdits(text, [{ offset: object.offset + 1, length: object.length - 2, content: '' }])
  return Jsonc.applyEdits(text, [...edits, { offset: from, length: to - from, content: '' }])
}

/** The edits that add `"key": value` as the object's last property. */
function insert(text: string, object: Jsonc.Node, key: string, value: unknown, unit: string, eol: string): Jsonc.Edit[] {
  const siblings = object.children ?? []
  const last = siblings.at(-1)
  const compact = oneLine(text, object) && (last !== undefined || !/[\r\n]/.test(text.trim()))
  if (compact) {
    const property = `${JSON.stringify(key)}:${JSON.stringify(value)}`
    if (!last) return [{ offset: object.offset + 1, length: 0, content: property }]
    const trailing = /^[ \t]*,/.exec(text.slice(end(last)))
    return trailing ? [{ offset: end(last) + trailing[0].length, length: 0, content: `${property},` }] : [{ offset: end(last), length: 0, content: `,${property}` }]
  }
  const indent = last && startsLine(text, last.offset) ? indentOf(text, last.offset) : indentOf(text, object.offset) + unit
  const line = `${eol}${indent}${JSON.stringify(key)}: ${render(value, indent, unit, eol, false)}`
  if (!last) {
    const inside = text.slice(object.offset + 1, end(object) - 1)
    if (inside.trim() === '') return [{ offset: object.offset + 1, length: inside.length, content: `${line}${eol}${indentOf(text, object.offset)}` }]
    const closing = end(object) - 1
    const before = /\r?\n[ \t]*$/.exec(text.slice(0, closing))
    return [{ offset: before ? closing - before[0].length : closing, length: 0, content: before ? line : `${line}${eol}${indentOf(text, object.offset)}` }]
  }
  const after = text.slice(end(last))
  const trailing = /^[ \t]*,/.exec(after)
  // The rest of the last property's line, when it holds only its comma and a comment: the new line goes after it.
  const restOfLine = /^[ \t]*,?[ \t]*(\/\/[^\r\n]*|\/\*(?:(?!\*\/)[^\r\n])*\*\/)?[ \t]*(?=\r?\n)/.exec(after)
  if (restOfLine) {
    const separator = trailing ? [] : [{ offset: end(last), length: 0, content: ',' }]
    return [...separator, { offset: end(last) + restOfLine[0].length, length: 0, content: trailing ? `${line},` : line }]
  }
  return trailing ? [{ offset: end(last) + trailing[0].length, length: 0, content: `${line},` }] : [{ offset: end(last), length: 0, content: `,${line}` }]
}

/** `value` as JSON: on one line, or over several lines indented from `indent` by `unit`. */
function render(value: unknown, indent: string, unit: string, eol: string, compact: boolean): string {
  return compact ? JSON.stringify(value) : JSON.stringify(value, null, unit).split('\n').join(eol + indent)
}

/** `{a: {b: value}}` for the path `[a, b]`. */
function nest(path: readonly string[], value: unknown): unknown {
  return path.reduceRight((inner, key) => ({ [key]: inner }), value)
}

/** The text's line ending and indentation unit (its first indented line's; two spaces when none). */
function style(text: string): { eol: string; unit: string } {
  return { eol: text.includes('\r\n') ? '\r\n' : '\n', unit: /^[ \t]+(?=["/{[])/m.exec(text)?.[0] ?? '  ' }
}

const end = (node: Jsonc.Node) => node.offset + node.length

const oneLine = (text: string, node: Jsonc.Node) => !/[\r\n]/.test(text.slice(node.offset, end(node)))

const lineStartOf = (text: string, offset: number) => text.lastIndexOf('\n', offset - 1) + 1

/** Whether only blanks precede `offset` on its line. */
const startsLine = (text: string, offset: number) => /^[ \t]*$/.test(text.slice(lineStartOf(text, offset), offset))

/** The blanks that begin the line holding `offset`. */
const indentOf = (text: string, offset: number) => /^[ \t]*/.exec(text.slice(lineStartOf(text, offset)))![0]
