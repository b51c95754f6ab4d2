import * as Home from '../shared/Home.js'
import * as Log from '../shared/Log.js'
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
  log.info(`the UI API listens on ${api.origin}`)
  if (!options.quiet) {
    console.log(`Allowance companion running (pid ${process.pid}, data in ${home}). Stop it with Ctrl+C.`)
    console.log(`Allowance UI: ${api.url}`)
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
