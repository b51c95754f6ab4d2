/**
 * Session calls to one server take turns. Each is decided (and signed) only once the one before it
 * has been answered by the server, or could not be: two first calls at once would each open a
 * channel and lock two deposits, and cumulative vouchers that overtake each other on the way are
 * refused by the server as lower than the one it already holds. An approved call holds the turn
 * until its bridge reports the server's answer, or at most `holdMs` (a bridge that died reports
 * nothing); a declined one passes it on at once. Calls to other servers, and one-shot charges, never
 * wait.
 *
 * @example
 * ```ts
 * import * as SessionTurns from './SessionTurns.js'
 *
 * const turns = SessionTurns.create()
 * declare function decideAndSign(): Promise<{ kind: 'approved'; paymentId: number }>
 * const decision = await turns.take('https://tools.example.com/mcp', decideAndSign)
 * // … the bridge retries with the voucher and reports the server's answer:
 * turns.reported(decision.paymentId) // the next call to that server is decided now
 * ```
 */
export type SessionTurns = {
  /** Runs `decide` once every earlier session call to `upstream` is over, and keeps the turn while its approved payment is out. */
  take<T extends { kind: string; paymentId?: number | undefined }>(upstream: string, decide: () => Promise<T>): Promise<T>
  /** The server's answer to payment `paymentId` is in: its server's next session call may go. */
  reported(paymentId: number): void
  /** Passes every held turn on (the companion is stopping). */
  close(): void
}

export function create(options: { holdMs?: number } = {}): SessionTurns {
  const { holdMs = 30_000 } = options
  /** Per server, the end of the last turn queued. */
  const tails = new Map<string, Promise<void>>()
  /** Per payment out with its server, what passes its turn on. */
  const held = new Map<number, () => void>()

  return {
    async take(upstream, decide) {
      const previous = tails.get(upstream) ?? Promise.resolve()
      let release!: () => void
      const mine = new Promise<void>((resolve) => (release = resolve))
      const tail = previous.then(() => mine)
      tails.set(upstream, tail)
      void tail.then(() => {
        if (tails.get(upstream) === tail) tails.delete(upstream)
      })
      await previous
      try {
        const decision = await decide()
        const paymentId = decision.paymentId
        if (decision.kind !== 'approved' || paymentId === undefined) {
          release()
          return decision
        }
        const timer = setTimeout(() => held.get(paymentId)?.(), holdMs)
        timer.unref()
        held.set(paymentId, () => {
          clearTimeout(timer)
          held.delete(paymentId)
          release()
        })
        return decision
      } catch (error) {
        release()
        throw error
      }
    },
    reported(paymentId) {
      held.get(paymentId)?.()
    },
    close() {
      for (const pass of [...held.values()]) pass()
    },
  }
}
