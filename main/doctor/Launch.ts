import { spawn } from 'node:child_process'
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js'
import { LATEST_PROTOCOL_VERSION } from '@modelcontextprotocol/sdk/types.js'
import type * as Entry from '../hosts/Entry.js'
import { LineReader } from '../shared/LineReader.js'

/** How a launch went: the server that answered `initialize`, why it did not, or why it was not tried. */
export type Result =
  | { status: 'answered'; server: string; ms: number }
  /**
   * `start`: the command is missing or quit; `arguments`: the bridge refused its arguments (it exits
   * with code 2 for those); `initialize`: it runs, but the upstream did not answer.
   */
  | { status: 'failed'; stage: 'start' | 'arguments' | 'initialize'; error: string }
  | { status: 'skipped'; reason: string }

/** How long the bridge and its upstream may take to answer `initialize`. */
export const defaultTimeoutMs = 8000

/**
 * Starts an entry's command as a host does (the SDK's inherited variables plus the entry's `env`,
 * `${env:NAME}` expanded as Cursor, VS Code and Windsurf expand it), sends `initialize`, and stops
 * the process by its PID once it answered, failed or ran out of time.
 */
export async function initialize(launch: Entry.Stdio, timeoutMs = defaultTimeoutMs): Promise<Result> {
  const unexpandable = [launch.command, ...launch.args, ...Object.values(launch.env)].find((value) => /\$\{(input|workspaceFolder)[:}]/.test(value))
  if (unexpandable) return { status: 'skipped', reason: `it uses ${/\$\{[^}]*\}/.exec(unexpandable)![0]}, which only the host can fill in` }
  const env = { ...getDefaultEnvironment(), ...Object.fromEntries(Object.entries(launch.env).map(([name, value]) => [name, expand(value)])) }
  const started = Date.now()
  const child = spawn(expand(launch.command), launch.args.map(expand), { env, cwd: launch.cwd, stdio: ['pipe', 'pipe', 'pipe'], windowsHide: true })
  let stderr = ''
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr = (stderr + chunk).slice(-4000)))
  child.stdin.on('error', () => {}) // a process that died early closed its stdin: reported by its exit
  // What a dying process said: Node's error line (its last line is only its version), or ours.
  const lastWords = () => {
    const lines = stderr.split('\n').map((line) => line.trim()).filter(Boolean)
    return lines.find((line) => /^(\w*Error\b|allowance:)/.test(line)) ?? lines.at(-1)
  }

  const result = await new Promise<Result>((resolve) => {
    const timer = setTimeout(() => resolve({ status: 'failed', stage: 'initialize', error: `it did not answer initialize within ${timeoutMs / 1000} s` }), timeoutMs)
    const settle = (result: Result) => {
      clearTimeout(timer)
      resolve(result)
    }
    child.once('error', (error: NodeJS.ErrnoException) =>
      settle({ status: 'failed', stage: 'start', error: error.code === 'ENOENT' ? `its command ${launch.command} does not exist` : `its command ${launch.command} cannot run (${error.code ?? error.message})` }),
    )
    child.once('exit', (code, signal) => {
      const words = lastWords()
      settle({ status: 'failed', stage: code === 2 ? 'arguments' : 'start', error: `it exited (${signal ?? `code ${code}`}) before answering initialize${words ? `: ${words}` : ''}` })
    })
    const reader = new LineReader((line) => {
      let message: { id?: unknown; result?: { serverInfo?: { name?: unknown; version?: unknown } }; error?: { message?: unknown } }
      try {
        message = JSON.parse(line)
      } catch {
        return settle({ status: 'failed', stage: 'start', error: `it wrote something other than JSON-RPC on stdout: ${line.slice(0, 120)}` })
      }
      if (message.id !== 1) return
      if (message.error) return settle({ status: 'failed', stage: 'initialize', error: `initialize failed: ${String(message.error.message)}` })
      const info = message.result?.serverInfo
      const server = typeof info?.name === 'string' ? `${info.name}${typeof info.version === 'string' ? ` ${info.version}` : ''}` : 'an unnamed server'
      settle({ status: 'answered', server, ms: Date.now() - started })
    })
    child.stdout.setEncoding('utf8').on('data', (chunk: string) => reader.push(chunk))
    const request = { jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: LATEST_PROTOCOL_VERSION, capabilities: {}, clientInfo: { name: 'allowance-doctor', version: '1' } } }
    child.stdin.write(`${JSON.stringify(request)}\n`)
  })
  await stop(child)
  return result
}

/** Closes stdin (a bridge then shuts down by itself), then SIGTERM, then SIGKILL, each after a grace period. */
async function stop(child: ReturnType<typeof spawn>): Promise<void> {
  if (child.pid === undefined || child.exitCode !== null || child.signalCode !== null) return
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()))
  const within = (ms: number) => Promise.race([exited.then(() => true), new Promise<boolean>((resolve) => setTimeout(() => resolve(false), ms).unref())])
  child.stdin?.end()
  if (await within(1000)) return
  child.kill('SIGTERM')
  if (await within(1000)) return
  child.kill('SIGKILL')
  await exited
}

/** `${env:NAME}` as the hosts that support it fill it in: from the environment, empty when unset. */
function expand(value: string): string {
  return value.replace(/\$\{env:([A-Za-z_][A-Za-z0-9_]*)\}/g, (_, name: string) => process.env[name] ?? '')
}
