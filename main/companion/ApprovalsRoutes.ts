import type { Decision } from '../approvals/Decision.js'
import * as Engine from '../approvals/Engine.js'
import { ApproveBody, type ApproveOption } from '../uiapi/Contract.js'
import * as ApprovalsViews from './ApprovalsViews.js'
import type { Companion } from './Companion.js'
import { ok, RouteError, type Route } from './UiRoute.js'

/**
 * The approval queue's endpoints, for the main window's Approvals screen and the popups: what
 * waits for the human, and the human's answers. Approving a payment happens here, never over the
 * bridges' socket. Each answer is the decision's view; the queue's own events tell every window.
 *
 * - `GET /api/approvals`: the waiting payments, oldest first
 * - `POST /api/approvals/:id/approve` `{ option?, challengeId? }`: `option` is `once` (the default),
 *   `{ lease: { minutes, limit, scope? } }` or `{ rule: { perCallLimit, scope? } }`, limits in
 *   budget units, or for an identity proof `{ share: true }` (share the address with the server
 *   from now on); `challengeId` picks one of the payment's acceptable alternatives
 * - `POST /api/approvals/:id/decline`
 * - `POST /api/approvals/decline-all`: every waiting payment
 *
 * A payment that no longer waits is a 409.
 */
export function routes(companion: Companion): Route[] {
  const { queue } = companion
  return [
    {
      method: 'GET',
      path: /^\/api\/approvals$/,
      answer: () => ok(queue.list().flatMap((entry) => ApprovalsViews.waiting(companion, entry) ?? [])),
    },
    {
      method: 'POST',
      path: /^\/api\/approvals\/decline-all$/,
      answer: () => ok(queue.declineAll().map(ApprovalsViews.decision)),
    },
    {
      method: 'POST',
      path: /^\/api\/approvals\/(\d+)\/approve$/,
      answer({ params, body: value }) {
        const body = ApproveBody.safeParse(value ?? {})
        if (!body.success) throw new RouteError(400, `Invalid approval: ${body.error.issues[0]?.message}`)
        return answering(() => queue.approve(Number(params[0]), toOption(body.data.option), body.data.challengeId))
      },
    },
    {
      method: 'POST',
      path: /^\/api\/approvals\/(\d+)\/decline$/,
      answer: ({ params }) => answering(() => queue.decline(Number(params[0]))),
    },
  ]
}

/** The decision's view; a payment that no longer waits is a 409, any other refusal a 400. */
function answering(answer: () => Decision) {
  try {
    return ok(ApprovalsViews.decision(answer()))
  } catch (error) {
    if (error instanceof Engine.NotPendingError) throw new RouteError(409, error.message)
    throw new RouteError(400, (error as Error).message)
  }
}

function toOption(option: ApproveOption): Engine.answer.Option {
  if (option === 'once') return 'once'
  if ('share' in option) return { share: true }
  if ('lease' in option) return { lease: { ...option.lease, limit: BigInt(option.lease.limit) } }
  return { rule: { ...option.rule, perCallLimit: BigInt(option.rule.perCallLimit) } }
}
