import * as Home from '../shared/Home.js'
import * as Log from '../shared/Log.js'
import * as HttpApi from './HttpApi.js'
import { Companion } from './Companion.js'
import * as SocketServer from './SocketServer.js'
import * as UiApi from './UiApi.js'

/**
 * `allowance daemon`: the headless companion. Serves bridges on the local socket until SIGTERM
 * or SIGINT. Exactly one runs per ALLOWANCE_HOME; a second one says so and exits with code 1.
 */
export async function run(options: { quiet?: boolean } = {}): Promise<number> {
  process.umask(0o077) // the ledger, logs and socket are the user's alone
  const home = Home.resolve()
  const paths = Home.paths(home)
  const log = Log.create({ name: 'companion', directory: paths.logs, stderr: !options.quiet })
  let companion: Companion
  try {
    companion = Companion.open(home, log)
  } catch (error) {
    log.error(`the ledger ${paths.database} could not be opened: ${(error as Error).message}`)
    console.error(`allowance: cannot start the companion: ${(error as Error).message}`)
    return 1
  }
  let server: SocketServer.SocketServer
  try {
    server = await SocketServer.listen(paths.socket, companion, log)
  } catch (error) {
    companion.close()
    console.error(`allowance: ${(error as Error).message}`)
    return 1
  }
  const ui = UiApi.create(companion, log)
  const api = await HttpApi.start(ui, log)
  log.info(`companion ${process.pid} serving ${paths.socket} and the UI API on ${api.origin}`)
  if (!options.quiet) {
    console.log(`Allowance companion running (pid ${process.pid}, data in ${home}). Stop it with Ctrl+C.`)
    console.log(`Allowance UI: ${api.url}`)
  }

  process.on('uncaughtException', (error) => log.error(`unexpected error, continuing: ${error.stack ?? error.message}`))
  process.on('unhandledRejection', (error) => log.error(`unexpected rejection, continuing: ${Log.describeError(error)}`))
  await new Promise<void>((resolve) => {
    process.once('SIGTERM', resolve)
    process.once('SIGINT', resolve)
  })
  log.info('stopping')
  await Promise.race([Promise.all([server.close(), api.close()]), new Promise((resolve) => setTimeout(resolve, 500))])
  ui.close()
  companion.close()
  await log.close()
  return 0
}
