import { chmodSync, unlinkSync } from 'node:fs'
import { connect, createServer, type Server, type Socket } from 'node:net'
import { LineReader } from '../shared/LineReader.js'
import type { Logger } from '../shared/Log.js'
import * as Messages from '../wire/Messages.js'
import * as Schemas from '../wire/Schemas.js'

/** Another companion already serves this ALLOWANCE_HOME. */
export class AlreadyRunningError extends Error {
  constructor(readonly socketPath: string) {
    super(`An Allowance companion is already running for this data directory (socket ${socketPath}).`)
  }
}

/** One client connection, as the companion sees it. */
export type Connection = {
  readonly id: number
  role?: 'bridge' | 'cli'
  upstream?: string
  pid?: number
  /** Tells this client something unasked (a sign-out, say). */
  notify?(event: Messages.Event): void
}

export type Handler = {
  /** Answers one valid message; a thrown error becomes an `internal` error response. */
  handle(message: Schemas.ClientMessage, connection: Connection): Promise<unknown>
  onDisconnect(connection: Connection): void
}

/**
 * The companion's local socket (a Unix domain socket with mode 0600, or a named pipe on Windows).
 * Listening on it is also the single-instance lock: a second companion finds the first answering
 * and stops; a socket file left by a crash is removed and taken over.
 */
export async function listen(socketPath: string, handler: Handler, log: Logger): Promise<SocketServer> {
  const connections = new Set<Connection>()
  const sockets = new Set<Socket>()
  let nextId = 0
  const server = createServer((socket) => {
    const connection: Connection = { id: ++nextId }
    connections.add(connection)
    sockets.add(socket)
    serve(socket, connection, handler, log)
    socket.once('close', () => {
      connections.delete(connection)
      sockets.delete(socket)
      handler.onDisconnect(connection)
    })
  })
  try {
    await bind(server, socketPath)
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code !== 'EADDRINUSE') throw error
    if (await answers(socketPath)) throw new AlreadyRunningError(socketPath)
    log.info(`removing a stale socket left by a companion that stopped: ${socketPath}`)
    unlinkSync(socketPath)
    await bind(server, socketPath)
  }
  return {
    connections,
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve())
        // Clients reconnect on their next request (to the next companion); what was written to them still goes out.
        for (const socket of sockets) socket.end()
      }),
  }
}

export type SocketServer = {
  readonly connections: ReadonlySet<Connection>
  /** Stops listening and hangs up on every client; resolves once they are gone. */
  close(): Promise<void>
}

async function bind(server: Server, socketPath: string): Promise<void> {
  // The socket is created owner-only (umask) rather than chmod-ed after the fact, leaving no window.
  const umask = process.platform === 'win32' ? undefined : process.umask(0o177)
  try {
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject)
      server.listen(socketPath, () => {
        server.off('error', reject)
        resolve()
      })
    })
  } finally {
    if (umask !== undefined) process.umask(umask)
  }
  if (process.platform !== 'win32') chmodSync(socketPath, 0o600)
}

/** Whether a companion answers on the socket (a dead one leaves a file nobody listens on). */
export function answers(socketPath: string): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = connect(socketPath)
    const done = (result: boolean) => {
      socket.destroy()
      resolve(result)
    }
    socket.setTimeout(2000, () => done(true)) // it accepted the connection: somebody is there
    socket.once('connect', () => done(true))
    socket.once('error', () => done(false))
  })
}

function serve(socket: Socket, connection: Connection, handler: Handler, log: Logger): void {
  socket.setEncoding('utf8')
  const reply = (response: Messages.Response) => {
    if (socket.destroyed) return
    // A batch's decisions resolve together: corked until the microtasks settle, they leave in one write.
    if (!socket.writableCorked) {
      socket.cork()
      process.nextTick(() => socket.uncork())
    }
    socket.write(`${JSON.stringify(response)}\n`)
  }
  connection.notify = (event) => {
    if (!socket.destroyed) socket.write(`${JSON.stringify(event)}\n`)
  }
  const reader = new LineReader(
    (line) => {
      const parsed = Schemas.parse(line)
      if (!parsed.ok) {
        log.warn(`connection ${connection.id}: ${parsed.error.message}`)
        reply({ v: Messages.version, id: parsed.id, ok: false, error: parsed.error })
        return
      }
      const { message } = parsed
      handler.handle(message, connection).then(
        (result) => reply({ v: Messages.version, id: message.id, ok: true, result }),
        (error: unknown) => {
          const known = error instanceof ProtocolError
          if (!known) log.error(`connection ${connection.id}: ${message.type} failed: ${(error as Error).stack ?? String(error)}`)
          reply({
            v: Messages.version,
            id: message.id,
            ok: false,
            error: known ? { code: error.code, message: error.message } : { code: 'internal', message: 'The companion could not handle this message.' },
          })
        },
      )
    },
    (length) => {
      log.warn(`connection ${connection.id}: dropped a line of over ${length} characters`)
      reply({ v: Messages.version, id: null, ok: false, error: { code: 'invalid_message', message: 'The line is too long.' } })
    },
    Messages.maxLineLength,
  )
  socket.on('data', (chunk: string) => reader.push(chunk))
  socket.on('error', () => socket.destroy())
}

/** An error the client caused, answered with its code and message. */
export class ProtocolError extends Error {
  constructor(
    readonly code: Messages.ErrorCode,
    message: string,
  ) {
    super(message)
  }
}
