import { spawn, type ChildProcess } from 'node:child_process'
import type { JSONRPCMessage } from '../JsonRpc.js'
import { JsonLines, serialize } from './JsonLines.js'
import type { Transport } from './Transport.js'
import { UpstreamError } from './UpstreamError.js'
import * as ErrorWords from '../../shared/ErrorWords.js'

/**
 * A local MCP server process: newline-delimited JSON-RPC on its stdin and stdout. Its stderr is
 * the bridge's (hosts show it in their MCP logs), and it inherits the bridge's environment,
 * which the host chose.
 */
export class Stdio implements Transport {
  private child: ChildProcess | undefined
  private closed = false
  onmessage?: (message: JSONRPCMessage) => void
  onlost?: (reason: string) => void
  oninvalid?: (reason: string) => void

  constructor(
    private readonly command: string,
    private readonly args: readonly string[],
    private readonly upstream: string,
  ) {}

  get pid(): number | undefined {
    return this.child?.pid
  }

  start(): Promise<void> {
    return new Promise((resolve, reject) => {
      const child = spawn(this.command, this.args, {
        stdio: ['pipe', 'pipe', 'inherit'],
        // Windows resolves `npx` and friends (.cmd files) only through a shell.
        shell: process.platform === 'win32',
        windowsHide: true,
      })
      this.child = child
      const lines = new JsonLines({
        onMessage: (message) => this.onmessage?.(message),
        onUnparseable: (reason) => this.oninvalid?.(`a line that is not JSON: ${reason}`),
        onInvalid: (_, reason) => this.oninvalid?.(`a message that is not JSON-RPC: ${reason}`),
      })
      child.stdout!.setEncoding('utf8')
      child.stdout!.on('data', (chunk: string) => lines.push(chunk))
      child.stdin!.on('error', () => {}) // EPIPE after the child died; reported through 'exit'
      child.once('spawn', () => resolve())
      child.once('error', (error) => {
        reject(new UpstreamError('unreachable', this.upstream, ErrorWords.describe(error)))
        this.lost(`the process failed: ${ErrorWords.describe(error)}`)
      })
      child.once('exit', (code, signal) => this.lost(`the process exited (${signal ?? `code ${code}`})`))
    })
  }

  async send(message: JSONRPCMessage): Promise<void> {
    const stdin = this.child?.stdin
    if (!stdin || !stdin.writable) throw new UpstreamError('closed', this.upstream, 'the process is not running')
    stdin.write(serialize(message))
  }

  /** Closes the process's stdin, which MCP servers take as the signal to exit; SIGTERM after 2 s. */
  async close(): Promise<void> {
    if (this.closed) return
    this.closed = true
    const child = this.child
    if (!child || child.exitCode !== null || child.signalCode !== null) return
    child.stdin?.end()
    const timer = setTimeout(() => child.kill('SIGTERM'), 2000).unref()
    child.once('exit', () => clearTimeout(timer))
  }

  private lost(reason: string): void {
    if (!this.closed) this.onlost?.(reason)
  }
}
