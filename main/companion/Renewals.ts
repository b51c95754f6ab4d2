import * as Renewal from '../approvals/Renewal.js'
import type { Database } from '../ledger/Database.js'
import * as Payments from '../ledger/Payments.js'
import * as Subscriptions from '../ledger/Subscriptions.js'
import * as Methods from '../payments/methods/Methods.js'
import type * as TokenRegistry from '../payments/TokenRegistry.js'
import * as ErrorWords from '../shared/ErrorWords.js'
import type { Logger } from '../shared/Log.js'
import type * as Config from './Config.js'
import * as FeeBounds from './FeeBounds.js'

/**
 * The subscriptions' later charges, looked up on chain: a server renews with the access key the
 * wallet authorized, and asks nothing, so the chain is where the ledger learns of each charge (one
 * History row each, counted against budgets, held to the approved terms). Looked up every
 * `intervalMs` and whenever the user looks at the subscriptions; one look at a time.
 */
export type Renewals = {
  /** Looks for new charges of every subscription that can still be charged; never throws. */
  scan(): Promise<void>
  close(): void
}

export function create(parameters: create.Parameters): Renewals {
  const { db, config, registry, payer, log, onCharge } = parameters
  let running: Promise<void> | undefined
  const look = async () => {
    const address = payer()
    if (!address) return
    const now = Date.now()
    for (const subscription of Subscriptions.list(db)) {
      // Charges after the end (or a cancel) matter too: they would break the terms. One period past the end, none can come.
      if (subscription.expiresAt + subscription.periodSeconds * 1000 < now) continue
      const first = Payments.get(db, subscription.paymentId)
      const method = first?.details && Methods.find(first.details.method)
      if (!first?.details || !method?.subscriptionCharges) continue
      try {
        const charges = await method.subscriptionCharges({ subscription, payer: address, rpc: config().rpc })
        // Oldest first: each charge is measured from the one before it on chain (the first charge included).
        let previous: number | undefined
        for (const charge of charges.sort((a, b) => a.at - b.at)) {
          const fee = charge.fee && FeeBounds.inBudget(registry(), first.details, charge.fee, false)
          const recorded = Renewal.record(db, subscription, { ...charge, fee }, previous)
          if (recorded) onCharge(recorded.paymentId, recorded.beyondTerms)
          previous = charge.at
        }
      } catch (error) {
        log.warn(`subscription ${subscription.id}: its charges could not be looked up: ${ErrorWords.describe(error)}`)
      }
    }
  }
  const timer = parameters.intervalMs ? setInterval(() => void scan(), parameters.intervalMs) : undefined
  timer?.unref()
  const scan = () => (running ??= look().finally(() => (running = undefined)))
  return { scan, close: () => clearInterval(timer) }
}

export declare namespace create {
  type Parameters = {
    db: Database
    config: () => Config.Config
    registry: () => TokenRegistry.Registry
    /** The wallet's address, when there is a wallet. */
    payer: () => string | undefined
    log: Logger
    /** A charge was recorded; `beyondTerms` says how it breaks the approved terms, if it does. */
    onCharge: (paymentId: number, beyondTerms: string | undefined) => void
    intervalMs?: number | undefined
  }
}
