import { createWriteStream, mkdirSync, type WriteStream } from 'node:fs'
import { join } from 'node:path'

export type Level = 'debug' | 'info' | 'warn' | 'error'
const rank: Record<Level, number> = { debug: 10, info: 20, warn: 30, error: 40 }

export type Logger = { [level in Level]: (message: string) => void } & {
  /** Flushes the log file; resolves once buffered lines are written. */
  close(): Promise<void>
}

/**
 * A logger that writes to stderr and to `<home>/logs/<name>.log`, never to stdout
 * (stdout of the bridge carries JSON-RPC only). Callers log events and identifiers,
 * never message bodies: bodies may carry credentials.
 */
export function create(parameters: create.Parameters): Logger {
  const { name, directory, stderr = true } = parameters
  const threshold = rank[parameters.level ?? levelFromEnv()]
  // A closed stderr (the host went away) must not turn every log line into another error.
  let toStderr = stderr
  if (stderr) process.stderr.on('error', () => (toStderr = false))
  let file: WriteStream | undefined
  if (directory) {
    try {
      mkdirSync(directory, { recursive: true, mode: 0o700 })
      file = createWriteStream(join(directory, `${name}.log`), { flags: 'a', mode: 0o600 })
      file.on('error', () => (file = undefined))
    } catch {
      file = undefined // an unwritable log directory must not stop the process
    }
  }
  const write = (level: Level, message: string) => {
    if (rank[level] < threshold) return
    const line = `${new Date().toISOString()} ${level.toUpperCase()} [${name} ${process.pid}] ${message}\n`
    if (toStderr && !process.stderr.destroyed) process.stderr.write(line)
    file?.write(line)
  }
  return {
    debug: (m) => write('debug', m),
    info: (m) => write('info', m),
    warn: (m) => write('warn', m),
    error: (m) => write('error', m),
    close: () => new Promise((resolve) => (file ? file.end(resolve) : resolve())),
  }
}

export declare namespace create {
  type Parameters = { name: string; directory?: string; level?: Level; stderr?: boolean }
}

function levelFromEnv(): Level {
  const value = process.env.ALLOWANCE_LOG_LEVEL
  return value && value in rank ? (value as Level) : 'info'
}
