import type { Decision } from '../approvals/Decision.js'
import type { Entry } from '../approvals/Queue.js'
import type { Logger } from '../shared/Log.js'
import type { Event, Reply, Request } from '../uiapi/Contract.js'
import * as ApprovalsRoutes from './ApprovalsRoutes.js'
import * as ApprovalsViews from './ApprovalsViews.js'
import type { Companion } from './Companion.js'
import * as AuthRoutes from './AuthRoutes.js'
import * as HistoryRoutes from './HistoryRoutes.js'
import * as PolicyRoutes from './PolicyRoutes.js'
import * as ServersRoutes from './ServersRoutes.js'
import * as SettingsRoutes from './SettingsRoutes.js'
import * as UiRoute from './UiRoute.js'
import * as WalletRoutes from './WalletRoutes.js'

/**
 * The companion's API for its UI, whatever carries it: HTTP and server-sent events when it runs
 * headless (HttpApi.ts), IPC in the desktop app. Routes take a method, a path with its query and a
 * parsed JSON body, and answer a status with a JSON text (BigInt amounts as decimal strings), so
 * both transports hand the renderer exactly the same bytes. Each screen's endpoints are a
 * routes/views pair (ApprovalsRoutes.ts with ApprovalsViews.ts, HistoryRoutes.ts with
 * HistoryViews.ts, …); this module composes them and sends the live events.
 */
export function create(companion: Companion, log: Logger): UiApi {
  const listeners = new Set<(event: Event) => void>()
  const emit = (name: Event['name'], data: unknown) => {
    const event = { name, data: toJson(data) }
    for (const listener of listeners) listener(event)
  }

  const onAdded = (entry: Entry) => {
    // The queue emits inside its own bookkeeping: a failing view must not break the approval.
    try {
      const approval = ApprovalsViews.waiting(companion, entry)
      if (approval) emit('approval.added', approval)
    } catch (error) {
      log.error(`ui api: payment ${entry.paymentId} could not be shown: ${(error as Error).stack ?? String(error)}`)
    }
  }
  const onResolved = (entry: Entry, decision: Decision) => emit('approval.resolved', { paymentId: entry.paymentId, decision: ApprovalsViews.decision(decision) })
  companion.queue.on('added', onAdded)
  companion.queue.on('resolved', onResolved)
  // Sign-in cards, and who is signed in where (the Servers screen).
  const onSignIn = (request: unknown) => emit('signin.added', request)
  const onSignedIn = (request: { id: number; server: string }, outcome: { ok: boolean; message: string }) => emit('signin.resolved', { id: request.id, server: request.server, ...outcome })
  const onAuthChanged = () => emit('auth.changed', {})
  companion.auth.on('added', onSignIn)
  companion.auth.on('resolved', onSignedIn)
  companion.auth.on('changed', onAuthChanged)
  // Under load the ledger changes thousands of times a second: tell the UI at most a few times.
  let changed: NodeJS.Timeout | undefined
  const stopPayments = companion.onPayment(() => {
    changed ??= setTimeout(() => {
      changed = undefined
      emit('payments.changed', {})
    }, changeInterval)
  })

  const stopNotices = companion.onNotice((notice) => emit('notice', notice))

  const screens: UiRoute.Route[] = [
    { method: 'GET', path: /^\/api\/status$/, answer: async () => ok(await companion.status()) },
    ...ApprovalsRoutes.routes(companion),
    ...AuthRoutes.routes(companion),
    ...HistoryRoutes.routes(companion),
    ...PolicyRoutes.routes(companion),
    ...WalletRoutes.routes(companion),
    ...ServersRoutes.routes(companion),
    ...SettingsRoutes.routes(companion),
  ]

  async function handle(request: Request): Promise<Reply> {
    const url = new URL(request.path, 'http://ui')
    for (const { method, path, answer, announce } of screens) {
      const params = method === request.method ? path.exec(url.pathname) : null
      if (!params) continue
      try {
        const reply = await answer({ params: params.slice(1), query: url.searchParams, body: request.body })
        if (announce && reply.status === 200) emit(announce, {})
        return reply
      } catch (error) {
        if (error instanceof UiRoute.RouteError) return failure(error.status, error.message)
        throw error
      }
    }
    return failure(404, 'No such endpoint.')
  }

  return {
    handle: (request) =>
      handle(request).catch((error: unknown) => {
        log.error(`ui api: ${request.method} ${request.path} failed: ${(error as Error).stack ?? String(error)}`)
        return failure(500, 'The companion could not handle this request.')
      }),
    subscribe(listener) {
      listeners.add(listener)
      return () => listeners.delete(listener)
    },
    close() {
      listeners.clear()
      clearTimeout(changed)
      stopPayments()
      stopNotices()
      companion.queue.off('added', onAdded)
      companion.queue.off('resolved', onResolved)
      companion.auth.off('added', onSignIn)
      companion.auth.off('resolved', onSignedIn)
      companion.auth.off('changed', onAuthChanged)
    },
  }
}

export type UiApi = {
  handle(request: Request): Promise<Reply>
  /** Live events for the UI; returns the unsubscribe. */
  subscribe(listener: (event: Event) => void): () => void
  close(): void
}

const changeInterval = 250

const { ok, failure, toJson } = UiRoute
