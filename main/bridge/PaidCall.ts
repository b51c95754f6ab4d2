import type { Logger } from '../shared/Log.js'
import type { ClientRequest, PaymentDecision, Receipt } from '../wire/Messages.js'
import { CompanionError, type CompanionClient } from '../wire/Client.js'
import { ErrorCode, errorResponse, type JSONRPCMessage, type JSONRPCRequest, type JSONRPCResponse } from './JsonRpc.js'
import * as Payment from './Payment.js'
import * as Progress from './Progress.js'
import { UpstreamError } from './transports/UpstreamError.js'

/**
 * One host request that the upstream answered with a payment challenge (MPP challenges, an x402
 * `PaymentRequired`, or both). The host never sees the challenge: the companion decides (and
 * signs), the bridge retries under a new id with the credential (MPP) or payment payload (x402),
 * checks the receipt (or x402 payment response), reports the outcome, and answers the host under
 * its own id — with the result, or with one sentence saying why nothing was paid.
 *
 * Money rules kept here: one approval pays at most once (a retry after a session renewal re-sends
 * the same credential); every challenge of this host request goes to the companion under the same
 * call name, so a challenge after a credential is known there for what it is — a second payment,
 * which no rule or lease approves — and there is at most one such round; any doubt about whether
 * money moved is reported as such, never as a failure.
 */
export class PaidCall {
  private cancelled = false
  private pendingDecision: { id: number } | undefined
  private readonly reports: Promise<void>[] = []
  /** Outcomes not sent yet: they leave after the host's answer, which nothing must delay. */
  private unsent: Extract<ClientRequest, { type: 'payment.outcome' }>[] = []
  /** The credentials' secret parts (signatures, tokens), kept out of anything the bridge records. */
  private readonly secrets: string[] = []
  /** The id of the retry in flight, so that a host cancellation can follow it upstream. */
  retryId: string | undefined
  /** This host request's name for the companion, the same in every round. */
  private readonly call: string

  constructor(
    private readonly request: JSONRPCRequest,
    private readonly context: PaidCall.Context,
  ) {
    this.call = context.nextId('call')
  }

  async run(offer: Payment.Offer): Promise<void> {
    const answer = await this.pay(offer).catch((error: unknown) => {
      this.context.log.error(`paid call ${JSON.stringify(this.request.id)} failed: ${(error as Error).message}`)
      return this.notPaid('bridge_error', `The payment for ${this.what()} could not be completed: ${(error as Error).message}`)
    })
    try {
      if (!this.cancelled) this.context.toHost(answer)
    } finally {
      this.sendReports()
    }
    await Promise.all(this.reports)
  }

  /** The host gave up on the call: withdraw a pending approval; the answer is dropped. */
  cancel(): void {
    this.cancelled = true
    const pending = this.pendingDecision
    if (pending) void this.companion()?.request({ type: 'payment.cancel', requestId: pending.id }).catch(() => {})
  }

  private async pay(offer: Payment.Offer): Promise<JSONRPCResponse> {
    let offered = offer
    // Round two exists only for a server that refused the first credential with a fresh challenge.
    for (let round = 1; round <= 2; round++) {
      const decision = await this.decide(offered)
      if (this.cancelled) return this.notPaid('cancelled', 'The call was cancelled.')
      if (decision.kind === 'declined') return this.notPaid(decision.reason, decision.message, decision.paymentId)

      const { paymentId, credential } = decision
      const x402 = decision.protocol === 'x402'
      const paid = credential.challenge as { id: string; method: string }
      this.secrets.push(...Payment.secretsOf(credential))
      const id = this.context.nextId('paid')
      const retry = x402 ? Payment.withX402Payment(this.request, id, credential.payload) : Payment.withCredential(this.request, id, credential)
      this.retryId = retry.id as string
      let response: JSONRPCResponse
      try {
        response = await this.context.exchange(retry)
      } catch (error) {
        // Only a connection never made proves the credential never left; a reset may follow settlement.
        const sent = !(error instanceof UpstreamError && error.kind === 'unreachable')
        const message = Payment.redact((error as Error).message, this.secrets)
        this.report(paymentId, { status: 'failed', error: message, sent })
        return errorResponse(this.request.id, ErrorCode.UpstreamUnavailable, message, this.paymentMeta(sent ? 'unconfirmed' : 'failed', paymentId))
      } finally {
        this.retryId = undefined
      }
      response = { ...response, id: this.request.id }

      // The server had the credential: whatever it answers, only the chain (or Stripe) can say nothing moved.
      const again = Payment.offerIn(response)
      if (again) {
        const error = `the server refused the credential and asked for payment again${refusalDetail(response)}`
        this.report(paymentId, { status: 'failed', error, sent: true })
        if (round === 2) break
        this.context.log.info(`the server answered the credential for payment ${paymentId} with a new challenge`)
        offered = again
        this.sendReports() // the companion reads the first payment's outcome before the second request
        continue
      }
      if ('error' in response) {
        this.report(paymentId, { status: 'failed', error: `the server answered the paid call with error ${response.error.code}: ${response.error.message}`, sent: true })
        return response
      }
      const swallowed = Payment.swallowedFailure(response)
      if (swallowed) {
        this.report(paymentId, { status: 'failed', error: `the server reported: ${swallowed.text.slice(0, 300)}`, sent: true })
        return response
      }
      // An x402 server that failed after the payment answers with an error result and no payment response.
      const settled = (response.result._meta as Record<string, unknown> | undefined)?.[Payment.x402ResponseKey]
      if (x402 && response.result.isError === true && settled === undefined) {
        this.report(paymentId, { status: 'failed', error: `the server answered the paid call with an error result: ${(Payment.firstText(response) ?? 'no text').slice(0, 300)}`, sent: true })
        return response
      }
      const receipt = x402 ? Payment.x402ReceiptFor(response, { challengeId: paid.id, payload: credential.payload }) : Payment.receiptFor(response, paid)
      if (!receipt.ok) {
        // The credential was accepted or at least used: the money may well be gone.
        this.report(paymentId, { status: 'failed', error: `paid, but ${receipt.problem}`, sent: true })
        return withMeta(response, this.paymentMeta('unconfirmed', paymentId, receipt.problem))
      }
      this.report(paymentId, { status: 'accepted', receipt: receipt.receipt as Receipt })
      return withMeta(response, this.paymentMeta('accepted', paymentId, undefined, receipt.receipt.reference))
    }
    return this.notPaid('payment_refused', `The server for ${this.what()} refused the payment again; Allowance did not pay a third time.`)
  }

  /** Asks the companion, keeping the host's request alive with progress while a human decides. */
  private async decide(offer: Payment.Offer): Promise<PaymentDecision> {
    const companion = this.companion()
    if (!companion) return { kind: 'declined', reason: 'companion_unavailable', message: 'The Allowance companion is not available.' }
    const operation = Payment.operationOf(this.request)!
    const { challenges, x402 } = offer
    const message: ClientRequest = {
      type: 'payment.request',
      request: { host: this.context.host(), upstream: this.context.upstream, ...operation, challenges, ...(x402 !== undefined && { x402 }), call: this.call },
    }
    const stopProgress = Progress.keepAlive(this.request, { toHost: (message) => this.context.toHost(message), intervalMs: this.context.progressIntervalMs, message: 'Waiting for payment approval in Allowance' })
    try {
      const sent = companion.send<PaymentDecision>(message)
      this.pendingDecision = { id: sent.id }
      return await sent.result
    } catch (error) {
      // An answer that refuses the message is not an unreachable companion: say which it was.
      if (error instanceof CompanionError) {
        return { kind: 'declined', reason: 'companion_refused', message: `${this.what()} needs a payment, but the Allowance companion refused the request: ${error.message}` }
      }
      return {
        kind: 'declined',
        reason: 'companion_unavailable',
        message: `${this.what()} needs a payment, but the Allowance companion could not be reached: ${(error as Error).message}`,
      }
    } finally {
      this.pendingDecision = undefined
      stopProgress()
    }
  }

  /**
   * Notes an outcome for the companion, sent without holding up the host's answer: right after it
   * (or before a second round's request). The companion handles a connection's messages in order,
   * so the outcome is recorded before any later decision on this connection.
   */
  private report(paymentId: number, outcome: Extract<ClientRequest, { type: 'payment.outcome' }>['outcome']): void {
    // What the server said goes to the ledger: a server echoing the credential must not put it there.
    const redacted =
      outcome.status === 'failed'
        ? { ...outcome, error: Payment.redact(outcome.error, this.secrets) }
        : { ...outcome, receipt: { ...outcome.receipt, reference: outcome.receipt.reference && Payment.redact(outcome.receipt.reference, this.secrets) } }
    this.unsent.push({ type: 'payment.outcome', paymentId, outcome: redacted })
  }

  private sendReports(): void {
    const unsent = this.unsent
    this.unsent = []
    for (const message of unsent) {
      const sent = this.companion()?.request(message)
      if (!sent) continue
      this.reports.push(
        sent.then(
          () => {},
          (error: unknown) => {
            // The companion checks a payment whose outcome never came on chain; nothing is lost.
            this.context.log.warn(`could not report the outcome of payment ${message.paymentId}: ${(error as Error).message}`)
          },
        ),
      )
    }
  }

  private companion(): CompanionClient | undefined {
    return this.context.companion()
  }

  /** The answer when nothing was paid: an `isError` result for tools, an error otherwise. */
  private notPaid(reason: string, message: string, paymentId?: number): JSONRPCResponse {
    const meta = this.paymentMeta('declined', paymentId, reason)
    if (this.request.method === 'tools/call') {
      return { jsonrpc: '2.0', id: this.request.id, result: { content: [{ type: 'text', text: message }], isError: true, _meta: meta } }
    }
    return errorResponse(this.request.id, ErrorCode.PaymentNotMade, message, meta)
  }

  private paymentMeta(status: string, paymentId?: number, reason?: string, reference?: string): Record<string, unknown> {
    const summary: Record<string, unknown> = { status }
    if (paymentId !== undefined) summary.paymentId = paymentId
    if (reason !== undefined) summary.reason = reason
    if (reference !== undefined) summary.reference = reference
    return { [PaidCall.metaKey]: summary }
  }

  private what(): string {
    const operation = Payment.operationOf(this.request)
    return operation ? `\`${operation.target}\`` : 'this call'
  }
}

export declare namespace PaidCall {
  type Context = {
    /** The companion connection, made on first use (it may start a companion). */
    companion(): CompanionClient | undefined
    /** The agent host, from its `initialize`. */
    host(): { name: string; version?: string }
    upstream: string
    /** Sends a request upstream (renewing an expired session once) and resolves with its answer. */
    exchange(request: JSONRPCRequest): Promise<JSONRPCResponse>
    toHost(message: JSONRPCMessage): void
    nextId(purpose: string): string
    progressIntervalMs: number
    log: Logger
  }
}

export namespace PaidCall {
  /** Where the bridge tells the agent what happened to the payment (status, reason, reference). */
  export const metaKey = 'allowance/payment'
}

/** What the server said about a refused credential (mppx: `problem.detail`, e.g. a card decline; x402: the `PaymentRequired`'s `error`). */
function refusalDetail(response: JSONRPCResponse): string {
  const data = 'error' in response ? response.error.data : (response.result._meta as Record<string, unknown> | undefined)?.[Payment.paymentRequiredKey]
  const detail = (data as { problem?: { detail?: unknown } } | undefined)?.problem?.detail ?? (Payment.x402In(response) as { error?: unknown } | undefined)?.error
  return typeof detail === 'string' && detail ? `: ${detail.slice(0, 300)}` : ''
}

/** The response with `meta` merged into its result's `_meta` (an error response stays as it is). */
function withMeta(response: JSONRPCResponse, meta: Record<string, unknown>): JSONRPCResponse {
  if (!('result' in response)) return response
  return { ...response, result: { ...response.result, _meta: { ...(response.result._meta ?? {}), ...meta } } }
}
