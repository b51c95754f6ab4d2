import { status as companionStatus } from '../wire/Client.js'
import * as Service from '../companion/Service.js'
import { AlreadyRunningError } from '../companion/SocketServer.js'
import type { Status } from '../wire/Messages.js'
import * as Home from '../shared/Home.js'
import type { Logger } from '../shared/Log.js'

/**
 * The companion inside the desktop app, for its ALLOWANCE_HOME. One companion serves a data
 * directory (its socket is the lock). When a headless one already does (a bridge starts
 * `allowance daemon` when it finds none, so this is the usual case once agents have paid), quitting
 * would leave the user without their app; so the app offers to take its place: the daemon is asked
 * to stop (SIGTERM, which it handles by declining what waits and closing the ledger), and the app
 * takes the socket. Bridges reconnect by themselves on their next request.
 */
export async function acquire(home: string, log: Logger, confirm: (prompt: Prompt) => Promise<boolean>): Promise<Service.Service | undefined> {
  try {
    return await Service.start(home, log)
  } catch (error) {
    if (!(error instanceof AlreadyRunningError)) throw error
  }
  const running = await companionStatus(Home.paths(home).socket, answerTimeoutMs).catch(() => undefined)
  if (!running) throw new Error(`Another Allowance companion holds ${home} but does not answer. Stop it (or restart the computer) and open Allowance again.`)
  if (!(await confirm(takeOverPrompt(running, home)))) return undefined
  log.info(`taking over from the companion ${running.pid}`)
  process.kill(running.pid, 'SIGTERM')
  const deadline = Date.now() + takeOverTimeoutMs
  for (;;) {
    try {
      return await Service.start(home, log)
    } catch (error) {
      if (!(error instanceof AlreadyRunningError) || Date.now() > deadline) throw error
    }
    await new Promise((resolve) => setTimeout(resolve, 100))
  }
}

export type Prompt = { message: string; detail: string; buttons: [takeOver: string, quit: string] }

/** What the user is asked when a headless companion serves the data directory. */
export function takeOverPrompt(running: Status, home: string): Prompt {
  const waiting = running.pendingApprovals
  const declined = waiting === 0 ? '' : ` The ${waiting === 1 ? 'payment' : `${waiting} payments`} waiting for approval there will be declined; the agents can ask again.`
  return {
    message: 'Allowance is already running without its window',
    detail:
      `A headless Allowance companion (process ${running.pid}, since ${new Date(running.startedAt).toLocaleString()}) serves ${home}. ` +
      `An agent's bridge starts one when it needs to pay, or it was started with \`allowance daemon\`. ` +
      `The desktop app can take its place; connected agents carry on.${declined}`,
    buttons: ['Use the desktop app', 'Quit'],
  }
}

const answerTimeoutMs = 3000
const takeOverTimeoutMs = 5000
