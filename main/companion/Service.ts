import * as Home from '../shared/Home.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'
import { Companion } from './Companion.js'
import * as SocketServer from './SocketServer.js'
import * as UiApi from './UiApi.js'

/**
 * The companion as a running service: its core, the bridges' socket and the UI API, whatever
 * face hosts it (`allowance daemon` under Node, or the desktop app's main process).
 */
export type Service = {
  readonly home: string
  readonly companion: Companion
  readonly ui: UiApi.UiApi
  /** Stops taking bridges, then closes the UI API and the ledger (pending approvals are declined as cancelled). */
  close(): Promise<void>
}

/**
 * Opens the ledger and listens on the socket, which is also the lock: throws
 * {@link SocketServer.AlreadyRunningError} when another companion serves `home`, or an error
 * saying why the ledger could not be opened.
 */
export async function start(home: string, log: Logger): Promise<Service> {
  process.umask(0o077) // the ledger, logs and socket are the user's alone
  const paths = Home.paths(home)
  let companion: Companion
  try {
    companion = Companion.open(home, log)
  } catch (error) {
    log.error(`the ledger ${paths.database} could not be opened: ${(error as Error).message}`)
    throw new Error(`cannot start the companion: ${(error as Error).message}`)
  }
  let socket: SocketServer.SocketServer
  try {
    socket = await SocketServer.listen(paths.socket, companion, log)
  } catch (error) {
    companion.close()
    throw error
  }
  const ui = UiApi.create(companion, log)
  log.info(`companion ${process.pid} serving ${paths.socket}`)
  return {
    home,
    companion,
    ui,
    async close() {
      log.info('stopping')
      // What waits for the human is declined as cancelled, and those answers reach the bridges
      // before they are hung up on; they reconnect to the next companion by themselves.
      companion.queue.close()
      await new Promise((resolve) => setImmediate(resolve))
      await Promise.race([socket.close(), new Promise((resolve) => setTimeout(resolve, closeGraceMs))])
      ui.close()
      companion.close()
    },
  }
}

const closeGraceMs = 500

/** An unexpected error while serving one request must not stop the companion: it is logged, and the process carries on. */
export function logUnexpectedErrors(log: Logger): void {
  process.on('uncaughtException', (error) => log.error(`unexpected error, continuing: ${error.stack ?? error.message}`))
  process.on('unhandledRejection', (error) => log.error(`unexpected rejection, continuing: ${ErrorWords.describe(error)}`))
}
