// What `allowance bridge` loads, read from the build's metafile: the code a host starts for every
// configured server must hold no companion, ledger, wallet, signing, Electron or React code.
import { existsSync, readFileSync } from 'node:fs'
import { expect, test } from 'vitest'

type Metafile = { outputs: Record<string, { entryPoint?: string; inputs: Record<string, unknown>; imports: { path: string; kind: string; external?: boolean }[] }> }

const metafile = 'dist/allowance.meta.json'

/** The CLI's entry, the bridge command and the bridge, with every chunk they import statically. */
function loadedByTheBridge(meta: Metafile): { modules: string[]; packages: string[] } {
  const outputOf = (entryPoint: string) => Object.entries(meta.outputs).find(([, output]) => output.entryPoint === entryPoint)![0]
  const chunks = new Set<string>()
  const pending = [outputOf('main/cli/main.ts'), outputOf('main/cli/bridgeCommand.ts'), outputOf('main/bridge/index.ts')]
  while (pending.length > 0) {
    const chunk = pending.pop()!
    if (chunks.has(chunk)) continue
    chunks.add(chunk)
    for (const { path, kind, external } of meta.outputs[chunk]!.imports) if (!external && kind === 'import-statement') pending.push(path)
  }
  const outputs = [...chunks].map((chunk) => meta.outputs[chunk]!)
  return {
    modules: [...new Set(outputs.flatMap((output) => Object.keys(output.inputs)))].sort(),
    packages: [...new Set(outputs.flatMap((output) => output.imports.filter((item) => item.external).map((item) => item.path)))].sort(),
  }
}

test('the bridge loads only the bridge, the wire contract, shared helpers and the CLI parsing that reaches it', () => {
  expect(existsSync(metafile), 'run the build first (npm test does)').toBe(true)
  const { modules, packages } = loadedByTheBridge(JSON.parse(readFileSync(metafile, 'utf8')) as Metafile)
  expect(modules).toContain('main/bridge/Relay.ts')
  const cli = ['main/cli/main.ts', 'main/cli/bridgeCommand.ts', 'main/cli/Options.ts', 'main/cli/Usage.ts', 'main/cli/UsageError.ts']
  // Node's own modules and the SSE parser (inlined: the CLI bundles its pure-JS packages); nothing that signs, stores, validates or draws.
  expect(modules.filter((module) => !/^main\/(bridge|wire|shared)\//.test(module) && !cli.includes(module) && !module.startsWith('node_modules/eventsource-parser/'))).toEqual([])
  expect(packages.filter((name) => !name.startsWith('node:') && name !== 'eventsource-parser')).toEqual([])
})

test("the desktop app's bridge bundle holds the same and one package, inlined: the runtime the app ships has no node_modules", () => {
  const metafile = 'out/bridge.meta.json'
  expect(existsSync(metafile), 'run the build first (npm test does)').toBe(true)
  const meta = JSON.parse(readFileSync(metafile, 'utf8')) as Metafile
  const [output, ...others] = Object.values(meta.outputs)
  expect(others).toEqual([])
  const modules = Object.keys(output!.inputs).sort()
  const cli = ['main/cli/desktopBridge.ts', 'main/cli/bridgeCommand.ts', 'main/cli/Options.ts', 'main/cli/Usage.ts', 'main/cli/UsageError.ts']
  expect(modules.filter((module) => !/^main\/(bridge|wire|shared)\//.test(module) && !cli.includes(module) && !module.startsWith('node_modules/eventsource-parser/'))).toEqual([])
  expect(output!.imports.filter((item) => !item.path.startsWith('node:')).map((item) => item.path)).toEqual([])
})
