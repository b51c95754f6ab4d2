import * as z from 'zod'
import type { Decision } from '../approvals/Decision.js'
import * as Engine from '../approvals/Engine.js'
import type { Entry } from '../approvals/Queue.js'
import type { Logger } from '../shared/Log.js'
import type { Companion } from './Companion.js'
import * as AuthRoutes from './AuthRoutes.js'
import * as HistoryRoutes from './HistoryRoutes.js'
import * as PolicyRoutes from './PolicyRoutes.js'
import * as ServersRoutes from './ServersRoutes.js'
import * as SettingsRoutes from './SettingsRoutes.js'
import * as UiRoute from './UiRoute.js'
import * as Views from './Views.js'
import * as WalletRoutes from './WalletRoutes.js'

/**
 * The companion's API for its UI, whatever carries it: HTTP and server-sent events when it runs
 * headless (HttpApi.ts), IPC in the desktop app. Routes take a method, a path with its query and a
 * parsed JSON body, and answer a status with a JSON text (BigInt amounts as decimal strings), so
 * both transports hand the renderer exactly the same bytes. Approving a payment happens here,
 * never over the bridges' socket.
 */
export function create(companion: Companion, log: Logger): UiApi {
  const listeners = new Set<(event: Event) => void>()
  const emit = (name: Event['name'], data: unknown) => {
    const event = { name, data: toJson(data) }
    for (const listener of listeners) listener(event)
  }
  const view = (entry: Entry) => Views.approval(companion.db, companion.registry, entry, new Date(), companion.cardInfo())

  const onAdded = (entry: Entry) => {
    // The queue emits inside its own bookkeeping: a failing view must not break the approval.
    try {
      const approval = view(entry)
      if (approval) emit('approval.added', approval)
    } catch (error) {
      log.error(`ui api: payment ${entry.paymentId} could not be shown: ${(error as Error).stack ?? String(error)}`)
    }
  }
  const onResolved = (entry: Entry, decision: Decision) => emit('approval.resolved', { paymentId: entry.paymentId, decision: decisionView(decision) })
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

  /** The main window's screens; the approvals are answered above. */
  const screens = [...AuthRoutes.routes(companion), ...HistoryRoutes.routes(companion), ...PolicyRoutes.routes(companion), ...WalletRoutes.routes(companion), ...ServersRoutes.routes(companion), ...SettingsRoutes.routes(companion)]

  async function handle(request: Request): Promise<Reply> {
    const url = new URL(request.path, 'http://ui')
    const route = `${request.method} ${url.pathname}`
    if (route === 'GET /api/status') return ok(await companion.status())
    if (route === 'GET /api/approvals') return ok(companion.queue.list().flatMap((entry) => view(entry) ?? []))
    if (route === 'POST /api/approvals/decline-all') return ok(companion.queue.declineAll().map(decisionView))
    const action = /^POST \/api\/approvals\/(\d+)\/(approve|decline)$/.exec(route)
    if (action) {
      const paymentId = Number(action[1])
      const body = action[2] === 'approve' ? ApproveBody.safeParse(request.body ?? {}) : undefined
      if (body && !body.success) return failure(400, `Invalid approval: ${body.error.issues[0]?.message}`)
      try {
        const decision =
          action[2] === 'approve' ? companion.queue.approve(paymentId, toOption(body!.data!.option), body!.data!.challengeId) : companion.queue.decline(paymentId)
        return ok(decisionView(decision))
      } catch (error) {
        if (error instanceof Engine.NotPendingError) return failure(409, error.message)
        return failure(400, (error as Error).message)
      }
    }
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

export type Request = {
  method: string
  /** The path with its query, e.g. `/api/history?limit=50`. */
  path: string
  /** The parsed JSON body; `undefined` when there was none or it did not parse. */
  body?: unknown
}

export type Reply = UiRoute.Reply

export type Event = {
  /**
   * `payments.changed`: something in the ledger moved; views of it should fetch again.
   * `settings.changed`: the pause or a setting changed through the UI (the CLI's changes show when the window regains the focus).
   * `signin.added` / `signin.resolved`: a sign-in card (no token, only its link) came, or went; `auth.changed`: who is signed in where changed.
   */
  name: 'approval.added' | 'approval.resolved' | 'payments.changed' | 'settings.changed' | 'signin.added' | 'signin.resolved' | 'auth.changed'
  /** The event's data as JSON text. */
  data: string
}

const changeInterval = 250

const { ok, failure, toJson } = UiRoute

const amount = z.string().regex(/^(0|[1-9][0-9]{0,30})$/, 'an amount is an integer string of budget units')
const ApproveBody = z.strictObject({
  option: z
    .union([
      z.literal('once'),
      z.strictObject({ lease: z.strictObject({ minutes: z.number().positive().max(7 * 24 * 60), limit: amount, scope: z.enum(['server', 'target']).optional() }) }),
      z.strictObject({ rule: z.strictObject({ perCallLimit: amount, scope: z.enum(['server', 'target']).optional() }) }),
    ])
    .default('once'),
  challengeId: z.string().max(1024).optional(),
})

function toOption(option: z.infer<typeof ApproveBody>['option']): Engine.answer.Option {
  if (option === 'once') return 'once'
  if ('lease' in option) return { lease: { ...option.lease, limit: BigInt(option.lease.limit) } }
  return { rule: { ...option.rule, perCallLimit: BigInt(option.rule.perCallLimit) } }
}

function decisionView(decision: Decision) {
  if (decision.kind === 'declined') return { kind: 'declined', paymentId: decision.paymentId, reason: decision.reason, message: decision.message }
  return { kind: decision.kind, paymentId: decision.paymentId }
}
