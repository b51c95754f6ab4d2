import { spawn } from 'node:child_process'
import { connect, type Socket } from 'node:net'
import * as Deadline from '../shared/Deadline.js'
import * as DesktopApp from '../shared/DesktopApp.js'
import { LineReader } from '../shared/LineReader.js'
import * as Wire from './Messages.js'

/** The companion could not be reached, or went away before answering. */
export class CompanionUnavailableError extends Error {}

/** The companion answered with an error. */
export class CompanionError extends Error {
  constructor(
    readonly code: Wire.ErrorCode,
    message: string,
  ) {
    super(message)
  }
}

type Pending = { resolve(result: unknown): void; reject(error: Error): void }

/**
 * A connection to the companion over its local socket, for bridges and the CLI. It connects on
 * first use, and again after the companion restarts; `autoStart` lets a bridge start a companion
 * when none runs.
 */
export class CompanionClient {
  private socket: Socket | undefined
  private connecting: Promise<Socket> | undefined
  private connectingMayStart = false
  private readonly pending = new Map<number, Pending>()
  private nextId = 0

  constructor(private readonly options: CompanionClient.Options) {}

  /** Sends one message and resolves with the companion's result. */
  request<T>(message: Wire.ClientRequest): Promise<T> {
    return this.send<T>(message).result
  }

  /** Like `request`, also giving the message's id (a payment request is cancelled by it). */
  send<T>(message: Wire.ClientRequest): { id: number; result: Promise<T> } {
    const id = ++this.nextId
    const result = this.connection().then(
      (socket) =>
        new Promise<T>((resolve, reject) => {
          this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject })
          socket.write(`${JSON.stringify({ v: Wire.version, id, ...message })}\n`)
        }),
    )
    return { id, result }
  }

  /** Connects now to a companion that already runs (never starting one), so that a later `requestIfRunning` finds it ready. */
  connectIfRunning(): void {
    this.connection(false).catch(() => {})
  }

  /**
   * Sends one message to a companion that already runs, never starting one, and gives up after
   * `timeoutMs` (rejecting with {@link CompanionUnavailableError}): for what must never hold up a
   * free call, such as the notes on a tool list.
   */
  requestIfRunning<T>(message: Wire.ClientRequest, timeoutMs: number): Promise<T> {
    const id = ++this.nextId
    const result = this.connection(false).then(
      (socket) =>
        new Promise<T>((resolve, reject) => {
          this.pending.set(id, { resolve: resolve as (result: unknown) => void, reject })
          socket.write(`${JSON.stringify({ v: Wire.version, id, ...message })}\n`)
        }),
    )
    const late = () => new CompanionUnavailableError(`The Allowance companion did not answer within ${timeoutMs} ms.`)
    return Deadline.within(result, timeoutMs, late).finally(() => this.pending.delete(id))
  }

  close(): void {
    this.socket?.destroy()
    this.socket = undefined
  }

  /**
   * The open connection, or one being opened. `start` lets the attempt start a companion where
   * none answers (when the client may); an attempt that may not is followed by one that may.
   */
  private connection(start = true): Promise<Socket> {
    if (this.socket && !this.socket.destroyed) return Promise.resolve(this.socket)
    if (!this.connecting || (start && !this.connectingMayStart)) {
      const before = this.connecting?.catch(() => undefined) ?? Promise.resolve(undefined)
      const opening = before.then((socket) => (socket && !socket.destroyed ? socket : this.open(start)))
      this.connecting = opening
      this.connectingMayStart = start
      opening.then(
        () => this.connecting === opening && (this.connecting = undefined),
        () => this.connecting === opening && (this.connecting = undefined),
      )
    }
    return this.connecting
  }

  private async open(start: boolean): Promise<Socket> {
    const { socketPath, autoStart, waitMs = 5000 } = this.options
    let socket = await attempt(socketPath).catch(() => undefined)
    if (!socket && autoStart && start) {
      autoStart()
      const deadline = Date.now() + waitMs
      while (!socket && Date.now() < deadline) {
        await new Promise((resolve) => setTimeout(resolve, 100))
        socket = await attempt(socketPath).catch(() => undefined)
      }
    }
    if (!socket) throw new CompanionUnavailableError(`The Allowance companion is not running (no answer on ${socketPath}).`)
    this.adopt(socket)
    if (this.options.hello) {
      const id = ++this.nextId
      socket.write(`${JSON.stringify({ v: Wire.version, id, type: 'hello', ...this.options.hello })}\n`)
      this.pending.set(id, { resolve: () => {}, reject: () => {} })
    }
    return socket
  }

  private adopt(socket: Socket): void {
    this.socket = socket
    socket.setEncoding('utf8')
    const reader = new LineReader((line) => this.receive(line), undefined, Wire.maxLineLength)
    socket.on('data', (chunk: string) => reader.push(chunk))
    socket.on('error', () => socket.destroy())
    socket.once('close', () => {
      if (this.socket === socket) this.socket = undefined
      const error = new CompanionUnavailableError('The Allowance companion closed the connection before answering.')
      for (const waiter of this.pending.values()) waiter.reject(error)
      this.pending.clear()
    })
  }

  private receive(line: string): void {
    let response: Wire.Response
    try {
      response = JSON.parse(line)
    } catch {
      return
    }
    const event = response as unknown as Partial<Wire.Event>
    if (typeof event.event === 'string') {
      try {
        this.options.onEvent?.(event as Wire.Event)
      } catch {}
      return
    }
    if (typeof response.id !== 'number') return
    const waiter = this.pending.get(response.id)
    if (!waiter) return
    this.pending.delete(response.id)
    if (response.ok) waiter.resolve(response.result)
    else waiter.reject(new CompanionError(response.error.code, response.error.message))
  }
}

export declare namespace CompanionClient {
  type Options = {
    socketPath: string
    /** Introduces the client on every (re)connection. */
    hello?: { role: 'bridge' | 'cli'; upstream?: string; pid?: number }
    /** What the companion tells this connection unasked. */
    onEvent?: (event: Wire.Event) => void
    /** Starts a companion when none answers; the client then waits up to `waitMs`. */
    autoStart?: () => void
    waitMs?: number
  }
}

function attempt(socketPath: string): Promise<Socket> {
  return new Promise((resolve, reject) => {
    const socket = connect(socketPath)
    socket.once('connect', () => resolve(socket))
    socket.once('error', reject)
  })
}

/**
 * The status of the companion on `socketPath`, never starting one. Rejects with
 * {@link CompanionUnavailableError} when none listens, or an error when it does not answer in time.
 */
export function status(socketPath: string, timeoutMs: number): Promise<Wire.Status> {
  return once<Wire.Status>(socketPath, { type: 'status' }, timeoutMs)
}

/** One message to the companion on `socketPath` over a connection of its own, never starting one. */
export async function once<T>(socketPath: string, message: Wire.ClientRequest, timeoutMs: number): Promise<T> {
  const client = new CompanionClient({ socketPath })
  try {
    return await Deadline.within(client.request<T>(message), timeoutMs, () => new Error(`it did not answer within ${timeoutMs / 1000} s`))
  } finally {
    client.close()
  }
}

/** Starts `allowance daemon` detached from this process, for a bridge that found no companion. */
export function startDetachedCompanion(cliPath: string, env: NodeJS.ProcessEnv = process.env): void {
  const child = spawn(process.execPath, [cliPath, 'daemon', '--quiet'], { detached: true, stdio: 'ignore', env, windowsHide: true })
  child.on('error', () => {}) // reported by the client's wait running out
  child.unref()
}

/**
 * Opens the desktop app in its tray, detached from this process, for a bridge that found no
 * companion and was started by an entry of the packaged app (`launcher` is its executable, or
 * the AppImage). An app already running takes the launch as a second instance and opens no window.
 */
export function startDetachedApp(launcher: string, env: NodeJS.ProcessEnv = process.env): void {
  const child = spawn(launcher, [DesktopApp.inTrayArgument], { detached: true, stdio: 'ignore', env: withoutLauncher(env), windowsHide: true })
  child.on('error', () => {}) // reported by the client's wait running out
  child.unref()
}

/** The app's environment: the entry's variable names the app to itself, and would reach the bridges its own entries start. */
function withoutLauncher(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const { [DesktopApp.launcherVariable]: _launcher, ...rest } = env
  return rest
}
