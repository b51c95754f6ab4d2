import type * as Payments from '../ledger/Payments.js'
import type * as Challenge from '../payments/Challenge.js'

/** Why a payment was not made; machine-readable, for the bridge to relay. */
export type DeclineReason =
  | 'declined_by_user'
  | 'timeout'
  | 'budget_exceeded'
  | 'over_limit'
  | 'paused'
  | 'invalid_challenge'
  | 'unsupported_method'
  | 'expired'
  | 'cancelled'
  /** The server answered a credential with a new challenge in the same host request; paying would pay twice. */
  | 'rechallenge'

/**
 * Why a human is asked. `loop`, `new_server` and `new_recipient` are checked first and hold even
 * where a lease or rule would pay; otherwise `no_rule` or `above_auto_approve`.
 * - `loop`: the same call with the same arguments was paid too often just now;
 * - `new_server` / `new_recipient`: never paid before, and no auto-approve rule or active lease of the user names the server;
 * - `no_rule`: no lease with room and no auto-approve rule covers the payment;
 * - `above_auto_approve`: the narrowest auto-approve rule allows less than this amount;
 * - `paying_twice`: the server answered a credential for this same host request with a new
 *   challenge (only where the user's `rechallenge` setting is `ask`; no rule or lease approves it),
 *   with what changed since that credential: `recipient_changed`, `currency_changed`,
 *   `chain_changed`, `amount_increased`.
 * `new_recipient` holds whatever rule or lease covers the server, unless an auto-approve rule names the recipient.
 * - `subscription`: the server asks for a subscription (an amount every period until cancelled),
 *   which only the human approves; with what changed since the terms in force with that server:
 *   `amount_increased`, `period_shortened`.
 * - `proof`: the server asks to see the wallet's address (an identity proof, no money moves) and the
 *   user has not shared it with this server.
 */
export type AskReason =
  | 'no_rule'
  | 'above_auto_approve'
  | 'new_server'
  | 'new_recipient'
  | 'loop'
  | 'paying_twice'
  | 'recipient_changed'
  | 'currency_changed'
  | 'chain_changed'
  | 'amount_increased'
  | 'proof'
  | 'subscription'
  | 'period_shortened'

export type Approved = {
  kind: 'approved'
  paymentId: number
  /** The chosen challenge exactly as the server sent it: what the credential must echo. */
  challenge: unknown
  payment: Challenge.Payment
  /** `rule:<id>`, `lease:<id>`, `share:<id>` (an identity proof) or `human`. */
  decidedBy: string
}

export type Declined = {
  kind: 'declined'
  /** Absent only when no ledger row could be written. */
  paymentId?: number | undefined
  reason: DeclineReason
  /** One sentence an agent can relay to its user. */
  message: string
}

export type Ask = {
  kind: 'ask'
  paymentId: number
  /** The alternative proposed to the human (the first acceptable one, in the server's order). */
  payment: Challenge.Payment
  options: {
    reasons: AskReason[]
    /** Every acceptable alternative; the human may pick another by its challenge id. */
    alternatives: Challenge.Candidate[]
    /** For a second payment within one host request: the payment already sent. */
    prior?: { paymentId: number; details: Payments.Details } | undefined
  }
}

export type Decision = Approved | Declined | Ask
