import * as Message from '../approvals/Message.js'
import type { Entry } from '../approvals/Queue.js'
import * as Payments from '../ledger/Payments.js'
import * as Home from '../shared/Home.js'
import * as Log from '../shared/Log.js'
import type { Companion } from './Companion.js'
import * as HttpApi from './HttpApi.js'
import * as Service from './Service.js'

/**
 * `allowance daemon`: the headless companion. Serves bridges on the local socket until SIGTERM
 * or SIGINT. Exactly one runs per ALLOWANCE_HOME; a second one says so and exits with code 1.
 */
export async function run(options: { quiet?: boolean } = {}): Promise<number> {
  const home = Home.resolve()
  const log = Log.create({ name: 'companion', directory: Home.paths(home).logs, stderr: !options.quiet })
  let service: Service.Service
  try {
    service = await Service.start(home, log)
  } catch (error) {
    console.error(`allowance: ${(error as Error).message}`)
    await log.close()
    return 1
  }
  const api = await HttpApi.start(service.ui, log)
  service.companion.uiAddress = api.url
  log.info(`the UI API listens on ${api.origin}`)
  if (!options.quiet) {
    console.log(`Allowance companion running (pid ${process.pid}, data in ${home}). Stop it with Ctrl+C.`)
    console.log(`Allowance UI: ${api.url}`)
    // Headless, the terminal is where a person may be looking: each payment that waits says so.
    service.companion.queue.on('added', (entry) => console.log(waiting(service.companion, entry)))
    // And each sign-in, with its link: over SSH there may be no browser here to open.
    service.companion.auth.on('added', (request) => {
      const minutes = Math.max(1, Math.round((request.expiresAt - Date.now()) / 60_000))
      console.log(`Sign in to ${request.label} (asked by ${request.hosts.join(', ')}): open ${request.url} in a browser, or answer in the Allowance UI (within ${minutes} min).`)
    })
    // And what it warns of (money running out, a failing card), once each.
    service.companion.onNotice((notice) => console.log(`Allowance: ${notice.title}. ${notice.body}`))
  }

  Service.logUnexpectedErrors(log)
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  await Promise.all([Promise.race([api.close(), new Promise((resolve) => setTimeout(resolve, 500))]), service.close()])
  await log.close()
  return 0
}

/** "Waiting for you: Payment of 0.25 USDC to tools.example.com for `report`, asked by Claude Code (answer within 60 s in the Allowance UI)." */
function waiting(companion: Companion, entry: Entry): string {
  const row = Payments.get(companion.db, entry.paymentId)
  const what = row ? `${Message.subject(row, row.details ? Message.priceOf(row.details) : undefined)}, asked by ${row.host}` : `Payment ${entry.paymentId}`
  const seconds = Math.max(1, Math.round((entry.expiresAt - Date.now()) / 1000))
  return `Waiting for you: ${what} (answer within ${seconds} s in the Allowance UI).`
}
