import type { LocalAccount } from 'viem'
import type Stripe from 'stripe'
import type * as Payment from '../Payment.js'
import type * as Settlement from '../Settlement.js'
import type * as SharedPaymentToken from '../SharedPaymentToken.js'
import type * as TokenRegistry from '../TokenRegistry.js'

/**
 * A payment method Allowance pays with (an MPP `method`: evm, tempo, stripe…, or the x402
 * protocol): everything that differs between methods, from reading a challenge to confirming that
 * the money moved. One folder per method under payments/methods/ implements it; Methods.ts lists
 * them. What every method shares (the challenge's envelope, expiry, amount, flags and budget unit;
 * the ledger; the budgets) stays out of it.
 */
export type Method<name extends string = string> = {
  /** The name challenges carry in `method`, and that the ledger, rules and settings use. */
  readonly name: name
  /**
   * The payment protocol the method speaks: `mpp` (a challenge in `-32042` or
   * `org.paymentauth/*`, a credential in `org.paymentauth/credential`) or `x402` (a
   * `PaymentRequired` tool result, a payload in `x402/payment`).
   */
  readonly protocol: Protocol
  /** The intents Allowance pays with this method (what the bridge advertises): `charge`, `subscription`. */
  readonly intents: readonly string[]
  /** What pays: the wallet's key, or the user's card. */
  readonly paysWith: 'wallet' | 'card'
  /**
   * Whether the method answers a zero-amount charge with an identity proof (a signature revealing
   * the wallet's address, no money moved). A method without it cannot be asked for amount 0.
   */
  readonly proves?: boolean | undefined
  /**
   * Reads and validates the method's part of a challenge's request (currency, recipient, chain,
   * `methodDetails`). Throws a `ChallengeFields.Rejection` for a challenge it cannot pay.
   */
  check(parameters: check.Parameters): check.ReturnType
  /**
   * What pays, in the user's words: "USDC on Base Sepolia", "Card ending 4242". An MPP method's
   * name (`evm`, `tempo`, `stripe`) is never shown; an x402 payment names its protocol and scheme
   * ("x402 exact · USDC on Base Sepolia"), which is what its seller calls it.
   */
  describe(payment: describe.Payment, card?: describe.Card): string
  /** Whether the payment can be signed with what is set up (a wallet, a card, a node for the chain). */
  canSign(payment: Payment.Payment, setup: Setup): boolean
  /**
   * The credential's payload for this payment (an MPP method's comes from its `mppx` client method,
   * see Mpp.ts; x402's from `@x402/evm`). Throws when it cannot.
   */
  sign(parameters: sign.Parameters): Promise<sign.ReturnType>
  /** Whether signing itself already sends the money (a tempo push broadcasts): from then on, money may have moved. */
  broadcasts(parameters: Pick<sign.Parameters, 'tempoMode'>): boolean
  /** What a new credential commits to: its public evidence for the ledger row, and what the check needs kept in memory only. */
  track(parameters: track.Parameters): track.ReturnType
  /** What the chain (or the processor) shows about a payment whose credential left. Never throws for an unreachable service: `pending`. */
  confirm(parameters: confirm.Parameters): Promise<Settlement.Finding>
  /** An upper bound of the network fee the wallet pays on top of the payment, for methods that cost one. Never throws. */
  estimateFee?: ((parameters: estimateFee.Parameters) => Promise<Settlement.Fee | undefined>) | undefined
  /**
   * Stops a subscription's future charges where the method can (tempo: the wallet revokes the
   * access key it authorized); one sentence saying what was done. Throws when it could not.
   */
  cancelSubscription?: ((parameters: cancelSubscription.Parameters) => Promise<string>) | undefined
  /** The charges a subscription's server made so far, as the chain shows them (renewals are the server's to make; the wallet signs none). */
  subscriptionCharges?: ((parameters: subscriptionCharges.Parameters) => Promise<subscriptionCharges.Charge[]>) | undefined
  /** The sentence for a seller's refusal (`problem.detail` of its -32043) when the method can explain it (a declined card). */
  explainRefusal?: ((detail: string | undefined) => string | undefined) | undefined
}

/** `mpp`: the Machine Payments Protocol; `x402`: the x402 protocol's MCP binding. */
export type Protocol = 'mpp' | 'x402'

export declare namespace describe {
  /** A validated payment or a ledger row: its token's symbol, its chain and its x402 scheme, if any. */
  type Payment = { symbol: string; chainId?: number | null | undefined; scheme?: string | null | undefined }
  /** The card that pays, when it is known. */
  type Card = { last4?: string | undefined }
}

/** What is set up to pay with. */
export type Setup = {
  /** There is a wallet (locked or not). */
  wallet: boolean
  /** There is a card. */
  card: boolean
  /** The user's RPC endpoints by chain id (settings.json). */
  rpc: Readonly<Record<string, string>>
}

/** The card as signing needs it: the SDK for the user's Stripe key, its mode and the payment method. */
export type Card = { client: Stripe } & Pick<SharedPaymentToken.issue.Parameters, 'mode' | 'paymentMethod'>

/** An `mppx` client method, as `Signer.sign` uses it: the credential for a challenge, serialized. */
export type Client = { createCredential(parameters: { challenge: never; context: never }): Promise<string> }

export declare namespace check {
  type Parameters = {
    /** The method's name, as the challenge gives it. */
    method: string
    /** The challenge's intent, one of the method's {@link Method.intents}. */
    intent: string
    /** The challenge's `request`. */
    request: Record<string, unknown>
    /** The request's `methodDetails` (`{}` when absent). */
    details: Record<string, unknown>
    /** The request's amount, already read (atomic units; zero only for a method that {@link Method.proves}). */
    amount: bigint
    /** The request's `currency`, a non-empty string of at most 64 characters. */
    currency: string
    registry: TokenRegistry.Registry
  }
  type ReturnType = {
    /** The currency as the companion's registry knows it. */
    currency: TokenRegistry.Entry
    /** Who is paid. */
    recipient?: string | undefined
    chainId?: number | undefined
    splits: readonly Payment.Split[]
    /** The x402 scheme (`exact`, `upto`); MPP methods have none. */
    scheme?: Payment.Scheme | undefined
    /** A `session` intent's channel terms. */
    session?: Payment.Session | undefined
    /** A subscription's terms (intent `subscription`). */
    subscription?: Payment.Subscription | undefined
  }
}

export declare namespace sign {
  type Parameters = {
    /** The challenge exactly as the server sent it. */
    challenge: unknown
    /** The same challenge as the companion validated it. */
    payment: Payment.Payment
    /** The wallet's key, for methods paid from the wallet. */
    account?: LocalAccount | undefined
    /** The card, for methods paid by card. */
    card?: Card | undefined
    /** JSON-RPC endpoint for the payment's chain (tempo needs one). */
    rpcUrl?: string | undefined
    /** Tempo submission: `pull` (the server broadcasts; default) or `push` (we broadcast). */
    tempoMode?: 'push' | 'pull' | undefined
  }
  /** What the credential carries beside the challenge it answers. */
  type ReturnType = { payload: unknown; source?: string | undefined }
}

export declare namespace track {
  type Parameters = {
    payment: Payment.Payment
    credential: { payload: unknown }
    /** The wallet's address, when the wallet signed. */
    payer?: string | undefined
    card?: Card | undefined
  }
  type ReturnType = {
    /** Public and JSON-safe: written to the ledger row. */
    evidence?: Record<string, unknown> | undefined
    /** A secret the check needs (a card token): kept in the companion's memory until the payment is resolved, never written. */
    kept?: unknown
  }
}

export declare namespace confirm {
  type Parameters = {
    /** The payment as the ledger holds it. */
    payment: {
      /** Atomic units. */
      amount: bigint
      /** The ledger's currency key (`<chainId>:<address>`, `iso:<code>`). */
      currency: string
      recipient: string | null
      chainId: number | null
    }
    /** What {@link Method.track} returned as evidence (`{}` when nothing). */
    evidence: Record<string, unknown>
    /** What {@link Method.track} kept in memory, if this process still has it. */
    kept: unknown
    /** The server's receipt reference: a hint, never trusted. */
    reference?: string | undefined
    /** The server refused the credential (or never answered): it may still be used. */
    refused: boolean
    /** The user's RPC endpoints by chain id. */
    rpc: Readonly<Record<string, string>>
  }
}

export declare namespace cancelSubscription {
  type Parameters = {
    /** The subscription's terms as approved (the ledger's currency key `<chainId>:<address>`). */
    subscription: { accessKey: string; currency: string }
    account: LocalAccount
    rpc: Readonly<Record<string, string>>
  }
}

export declare namespace subscriptionCharges {
  type Parameters = {
    subscription: { accessKey: string; currency: string; recipient: string }
    /** The wallet's address. */
    payer: string
    rpc: Readonly<Record<string, string>>
  }
  /** A charge: its transaction, the atomic units paid, when (epoch ms), the fee the wallet paid, and its memo. */
  type Charge = { transaction: string; amount: bigint; at: number; fee?: Settlement.Fee | undefined; memo?: string | undefined }
}

export declare namespace estimateFee {
  type Parameters = {
    payment: Payment.Payment
    /** The user's RPC endpoints by chain id. */
    rpc: Readonly<Record<string, string>>
    /** The wallet's address, when there is a wallet. */
    payer: string | undefined
  }
}
