import { setFlagsFromString } from 'node:v8'
import * as ErrorWords from '../shared/ErrorWords.js'
import * as Home from '../shared/Home.js'
import * as Log from '../shared/Log.js'
import * as DesktopApp from '../shared/DesktopApp.js'
import { CompanionClient, startDetachedApp, startDetachedCompanion } from '../wire/Client.js'
import { EraMemory } from './era/EraMemory.js'
import { HostChannel } from './HostChannel.js'
import { Relay } from './Relay.js'
import { describe, type UpstreamTarget } from './UpstreamTarget.js'

/** How long shutdown may take before the process exits regardless (hosts expect < 1 s). */
const shutdownDeadlineMs = 800

/**
 * Runs `allowance bridge`: the host speaks MCP on this process's stdio, the upstream is `target`.
 * stdout carries JSON-RPC only; logs go to stderr and `<ALLOWANCE_HOME>/logs/bridge.log`.
 */
export function run(target: UpstreamTarget): void {
  // The bridge waits on I/O, and hosts start one per configured server: V8's optimizing compiler
  // would cost each about 8 MB of memory for no measurable gain in relay latency (bench/relay.ts).
  setFlagsFromString('--no-opt')
  const paths = Home.paths(Home.resolve())
  const log = Log.create({ name: 'bridge', directory: paths.logs })
  log.info(`bridge for ${describe(target)} started`)

  // The companion is reached on the first payment or sign-in only: free calls never wait for it.
  let companion: CompanionClient | undefined
  const companionLink = () =>
    (companion ??= new CompanionClient({
      socketPath: paths.socket,
      hello: { role: 'bridge', upstream: describe(target), pid: process.pid },
      autoStart: () => startCompanion(process.env, process.argv[1]!),
      onEvent: (event) => relay?.onCompanionEvent(event),
    }))

  let relay: Relay | undefined = undefined
  const host = new HostChannel(process.stdin, process.stdout, {
    onMessage: (message) => relay?.fromHost(message),
    onInvalid: (reason) => log.warn(`invalid input from host: ${reason}`),
    onClose: () => shutdown('the host closed stdin'),
  })
  relay = new Relay(target, (message) => host.send(message), log, {
    companion: companionLink,
    progressIntervalMs: Number(process.env.ALLOWANCE_PROGRESS_INTERVAL_MS) || undefined,
    memory: new EraMemory(paths.eras),
  })

  let stopping = false
  function shutdown(reason: string): void {
    if (stopping) return
    stopping = true
    log.info(`shutting down: ${reason}`)
    const pid = relay!.upstreamPid
    let exited = false
    const exit = (graceful: boolean) => {
      if (exited) return
      exited = true
      // A stdio upstream still running after the deadline is stopped by its PID.
      if (!graceful && pid) {
        try {
          process.kill(pid, 'SIGTERM')
        } catch {}
      }
      void log.close().finally(() => process.exit(0))
    }
    setTimeout(() => exit(false), shutdownDeadlineMs).unref()
    relay!.stop().finally(() => exit(true))
  }
  process.on('SIGTERM', () => shutdown('SIGTERM'))
  process.on('SIGINT', () => shutdown('SIGINT'))
  process.on('uncaughtException', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE') return shutdown('the host closed the pipe')
    log.error(`unexpected error, continuing: ${ErrorWords.describe(error)}`)
  })
  process.on('unhandledRejection', (error) => log.error(`unexpected rejection, continuing: ${ErrorWords.describe(error)}`))
}

/**
 * Starts a companion for a bridge that found none: the desktop app, in its tray, when the entry
 * was written by the packaged app (its runtime cannot run `allowance daemon`); else `allowance daemon`.
 */
export function startCompanion(env: NodeJS.ProcessEnv, cliPath: string): void {
  const launcher = env[DesktopApp.launcherVariable]
  if (launcher) startDetachedApp(launcher, env)
  else startDetachedCompanion(cliPath, env)
}
