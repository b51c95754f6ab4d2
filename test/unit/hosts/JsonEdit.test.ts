// Minimal edits of host files: a property added and taken out again gives back the text byte for byte.
import { describe, expect, it } from 'vitest'
import * as JsonEdit from '../../../main/hosts/JsonEdit.js'

const entry = { command: 'node', args: ['a.js', 'bridge'] }

describe('JsonEdit', () => {
  it.each([
    ['an empty map', '{\n  "servers": {}\n}\n', '{\n  "servers": {\n    "x": {\n      "command": "node",\n      "args": [\n        "a.js",\n        "bridge"\n      ]\n    }\n  }\n}\n'],
    ['a map holding only a comment', '{\n  "servers": {\n    // none yet\n  }\n}', '{\n  "servers": {\n    // none yet\n    "x": {\n      "command": "node",\n      "args": [\n        "a.js",\n        "bridge"\n      ]\n    }\n  }\n}'],
    ['a one-line map with a trailing comma', '{"servers": {"a": 1,}}', '{"servers": {"a": 1,"x":{"command":"node","args":["a.js","bridge"]},}}'],
    ['a comma-first map', '{\n  "servers": {\n    "a": 1\n  , "b": 2 }\n}', '{\n  "servers": {\n    "a": 1\n  , "b": 2,\n    "x": {\n      "command": "node",\n      "args": [\n        "a.js",\n        "bridge"\n      ]\n    } }\n}'],
    ['tabs and a comment after the last entry', '{\n\t"servers": {\n\t\t"a": 1 /* one */\n\t}\n}', '{\n\t"servers": {\n\t\t"a": 1, /* one */\n\t\t"x": {\n\t\t\t"command": "node",\n\t\t\t"args": [\n\t\t\t\t"a.js",\n\t\t\t\t"bridge"\n\t\t\t]\n\t\t}\n\t}\n}'],
  ])('adds to %s and takes it out again', (_, text, added) => {
    const installed = JsonEdit.set(text, ['servers', 'x'], entry)
    expect(installed).toBe(added)
    expect(JsonEdit.remove(installed, ['servers', 'x'])).toBe(text)
  })

  it('replaces a value in place, and restores the text it had', () => {
    const text = '{ "servers": { "x": { "url": "https://a.example/mcp" /* mine */ }, "y": 2 } }'
    const before = JsonEdit.valueText(text, ['servers', 'x'])!
    const replaced = JsonEdit.set(text, ['servers', 'x'], entry)
    expect(replaced).toBe('{ "servers": { "x": {"command":"node","args":["a.js","bridge"]}, "y": 2 } }')
    expect(JsonEdit.restore(replaced, ['servers', 'x'], before)).toBe(text)
  })

  it('adds a missing map, and writes a new file as indented JSON', () => {
    expect(JsonEdit.set('{\r\n  "theme": "dark"\r\n}', ['servers', 'x'], 1)).toBe('{\r\n  "theme": "dark",\r\n  "servers": {\r\n    "x": 1\r\n  }\r\n}')
    expect(JsonEdit.set('', ['servers', 'x'], 1)).toBe('{\n  "servers": {\n    "x": 1\n  }\n}\n')
  })
})
