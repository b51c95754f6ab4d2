import { Client, type ClientOptions } from '@modelcontextprotocol/sdk/client/index.js'
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js'
import type { ChildProcessWithoutNullStreams } from 'node:child_process'
import { createInterface } from 'node:readline'
import { start } from './processes.js'

export const bridgeBin = 'dist/allowance.js'

/** An MCP host (the SDK client) that launched `allowance bridge <args>` as its stdio server. */
export async function hostWithBridge(
  args: string[],
  home: string,
  options: ClientOptions = {},
  env: Record<string, string> = {},
): Promise<{ client: Client; transport: StdioClientTransport; stderr: () => string }> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [bridgeBin, 'bridge', ...args],
    env: { ...(process.env as Record<string, string>), ALLOWANCE_HOME: home, ...env },
    stderr: 'pipe',
  })
  let stderr = ''
  transport.stderr?.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  const client = new Client({ name: 'test-host', version: '9.9.9' }, options)
  await client.connect(transport)
  return { client, transport, stderr: () => stderr }
}

/** A bridge driven line by line, for what an SDK client would never send or would hide. */
export function rawBridge(args: string[], home: string) {
  const child = start(process.execPath, [bridgeBin, 'bridge', ...args], {
    env: { ...process.env, ALLOWANCE_HOME: home },
    stdio: ['pipe', 'pipe', 'pipe'],
  }) as ChildProcessWithoutNullStreams
  const lines: string[] = []
  const waiters: (() => void)[] = []
  createInterface({ input: child.stdout }).on('line', (line) => {
    lines.push(line)
    waiters.splice(0).forEach((wake) => wake())
  })
  let stderr = ''
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()))
  return {
    child,
    lines,
    stderr: () => stderr,
    write(line: string) {
      child.stdin.write(`${line}\n`)
    },
    send(message: unknown) {
      child.stdin.write(`${JSON.stringify(message)}\n`)
    },
    /** The next stdout line that satisfies `match`, parsed. */
    async next(match: (message: any) => boolean = () => true, timeoutMs = 10_000): Promise<any> {
      const deadline = Date.now() + timeoutMs
      let seen = 0
      for (;;) {
        for (; seen < lines.length; seen++) {
          const parsed = JSON.parse(lines[seen]!)
          if (match(parsed)) {
            lines.splice(seen, 1)
            return parsed
          }
        }
        if (Date.now() > deadline) throw new Error(`no matching line within ${timeoutMs} ms; stdout so far: ${lines.join('\n')}\nstderr: ${stderr}`)
        await new Promise<void>((resolve) => {
          waiters.push(resolve)
          setTimeout(resolve, 100)
        })
      }
    },
  }
}

export const initializeRequest = (id: number | string = 1) => ({
  jsonrpc: '2.0',
  id,
  method: 'initialize',
  params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw-host', version: '1.0.0' } },
})
