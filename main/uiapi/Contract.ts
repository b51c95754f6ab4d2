import * as z from 'zod'
import type { DeclineReason } from '../approvals/Decision.js'
import type { Broker } from '../auth/Broker.js'
import type * as Doctor from '../doctor/Doctor.js'
import * as Entry from '../hosts/Entry.js'
import * as Hosts from '../hosts/Hosts.js'
import type * as Payments from '../ledger/Payments.js'
import * as Period from '../ledger/Period.js'
import * as Rules from '../ledger/Rules.js'
import type * as Challenge from '../payments/Challenge.js'
import type * as Units from '../payments/Units.js'
import { operations, type Operation, type Status } from '../wire/Messages.js'

/**
 * The UI API's contract, whatever carries it (HTTP and server-sent events headless, IPC in the
 * desktop app): the views its routes answer, as plain JSON with every amount already formatted by
 * the companion (BigInt amounts travel as decimal strings), the bodies they accept with the
 * schemas that check them, and the live events. The companion builds the views
 * (`companion/*Views.ts`) and answers the routes (`companion/*Routes.ts`); the renderer and the
 * preload import this module as types only, so none of its code reaches the page.
 */

export type { Operation, Status }

// ─── Transport ──────────────────────────────────────────────────────────────────────────────

export type Request = {
  method: string
  /** The path with its query, e.g. `/api/history?limit=50`. */
  path: string
  /** The parsed JSON body; `undefined` when there was none or it did not parse. */
  body?: unknown
}

/** `json` is the body as JSON text. */
export type Reply = { status: number; json: string }

/** What a refusal's JSON holds: the sentence the UI shows as it is, and `needsPassphrase` where a wallet needs one to be created. */
export type Refusal = { error: string; needsPassphrase?: true }

export type Event = {
  /**
   * `payments.changed`: something in the ledger moved; views of it should fetch again.
   * `settings.changed`: the pause or a setting changed through the UI (the CLI's changes show when the window regains the focus).
   * `signin.added` / `signin.resolved`: a sign-in card (no token, only its link) came, or went; `auth.changed`: who is signed in where changed.
   */
  name: 'approval.added' | 'approval.resolved' | 'payments.changed' | 'settings.changed' | 'signin.added' | 'signin.resolved' | 'auth.changed' | 'notice'
  /**
   * The event's data as JSON text: an {@link Approval} for `approval.added`, a {@link Resolved} for
   * `approval.resolved`, a {@link Notice} for `notice` (a warning the Wallet screen now shows), `{}` otherwise.
   */
  data: string
}

/** What the companion tells the user on its own: money running out, a failing card. */
export type Notice = { title: string; body: string }

/** A sign-in waiting for the human: the server, who asked, and the link (no secret). */
export type SignInRequest = Broker.Request

/** Who is signed in where (no token ever reaches the page). */
export type SignedIn = Broker.SignInView

/** A change answers with the companion's sentence saying what it did. */
export type WithMessage<View> = View & { message: string }

/** A rule, budget or lease changed: its id (a new one for an edit) and the sentence. */
export type Done = WithMessage<{ id: number }>

// ─── Approvals ──────────────────────────────────────────────────────────────────────────────
// GET /api/approvals, POST /api/approvals/:id/approve|decline, POST /api/approvals/decline-all

/** An amount in a budget unit, with what the renderer needs to read a typed limit in it. */
export type BudgetUnit = Units.Described

export type BudgetEffect = { id: number; text: string; scope: string }

export type Option = {
  challengeId: string
  method: Challenge.Payment['method']
  /** "0.25 USDC" */
  amount: string
  /** An x402 `upto` payment: `amount` is the most the server may settle (it settles what it used). */
  upTo: boolean
  /**
   * A session's deposit or top-up, in the user's words: "Locks up to 0.50 pathUSD in escrow for this
   * server; unused funds come back when the session closes."; null for any other payment.
   */
  escrow: string | null
  /** "$0.25" when the currency is pegged to the US dollar. */
  usd: string | null
  /** What pays: "USDC on Base Sepolia", "Card ending 4242". */
  paysWith: string
  /** The wallet's key signs it (so a locked wallet stops it), rather than the card. */
  byWallet: boolean
  recipient: string | null
  chainId: number | null
  /** "Base Sepolia", "Local test chain"; null for a card. */
  chain: string | null
  testnet: boolean
  /** The server's own words. Untrusted: shown as plain text, never used for money. */
  description: string | null
  flags: readonly Challenge.Flag[]
  budgetUnit: BudgetUnit
  /** This payment in budget units, as an integer string (its price, without the network fee). */
  budgetAmount: string
  /** At most what the wallet pays in network fees on top, counted against budgets too: "0.02 ThetaUSD". */
  fee: string | null
  /** Each budget covering the call, after this payment: "$4.75 of $5.00 left today". */
  budgets: BudgetEffect[]
}

export type Approval = {
  paymentId: number
  host: string
  upstream: string
  /** The validated payment proposed to the human, and every acceptable alternative (API clients read these). */
  payment: Challenge.Payment
  alternatives: Challenge.Payment[]
  /** The upstream's short name: the host of its URL, or its command. */
  server: string
  realm: string
  /** The challenge's realm is not the upstream's host name. */
  realmDiffers: boolean
  operation: Operation
  target: string
  argumentsPreview: string | null
  queuedAt: number
  /** When the payment is declined if nobody answers (epoch ms, the companion's clock). */
  expiresAt: number
  /** The companion's clock as it made this view: a page on another machine counts down by the difference from its own. */
  viewedAt: number
  reasons: readonly string[]
  /** What the card shows: the proposed payment first, then the other acceptable alternatives. */
  options: Option[]
  /** What this tool cost the last time it settled, when this payment asks more. */
  previousPrice: string | null
  /**
   * What the server's discovery document advertises for this call ("0.01 USDC", "set per call"),
   * when it publishes one; `differs` when this payment asks more than that, in the same currency.
   */
  advertised: { price: string; seenAt: number; differs: boolean } | null
  /** A second payment for one host request: what was already sent in it ("0.01 USDC to 0x…"). */
  alreadySent: string | null
  /** How many times this server asked to be paid again after a credential, in the last 7 days. */
  rechallenges: number
  /** A subscription's terms in words and dates: "every 30 days", its first charge now, the next ones, and its end. */
  subscription: { period: string; nextCharges: number[]; expiresAt: number } | null
}

/** What became of a waiting payment: the answer to approve and decline (a list of them for decline-all). */
export type DecisionView =
  | { kind: 'declined'; paymentId?: number | undefined; reason: DeclineReason; message: string }
  | { kind: 'approved' | 'ask'; paymentId: number }

/** The `approval.resolved` event's data. */
export type Resolved = { paymentId: number; decision: DecisionView }

const budgetUnits = z.string().regex(/^(0|[1-9][0-9]{0,30})$/, 'an amount is an integer string of budget units')

/** `POST /api/approvals/:id/approve`: how the human approves, with limits in budget units (integer strings), and the option's challenge. */
export const ApproveBody = z.strictObject({
  option: z
    .union([
      z.literal('once'),
      z.strictObject({ lease: z.strictObject({ minutes: z.number().positive().max(7 * 24 * 60), limit: budgetUnits, scope: z.enum(['server', 'target']).optional() }) }),
      z.strictObject({ rule: z.strictObject({ perCallLimit: budgetUnits, scope: z.enum(['server', 'target']).optional() }) }),
      // An identity proof only: share the wallet's address with this server from now on.
      z.strictObject({ share: z.literal(true) }),
    ])
    .default('once'),
  challengeId: z.string().max(1024).optional(),
})
export type ApproveRequest = z.input<typeof ApproveBody>
/** This payment only, a lease, or a standing rule; for an identity proof, this once or a standing share. */
export type ApproveOption = NonNullable<ApproveRequest['option']>

// ─── History ────────────────────────────────────────────────────────────────────────────────
// GET /api/history, /api/history/csv, /api/history/choices, /api/history/:id

/** The query words a history filter is read from, as `allowance history` takes them; blank ones select everything. */
export const historyFilterWords = ['server', 'host', 'operation', 'target', 'status', 'since', 'until', 'search'] as const
export type HistoryFilter = { [word in (typeof historyFilterWords)[number]]?: string }

export type HistoryRow = {
  id: number
  createdAt: number
  state: Payments.State
  host: string
  server: string
  operation: Operation
  target: string
  amount: string | null
  /** The network fee the wallet paid (`≤ …` while only its bound is known), in the fee's token. */
  fee: string | null
  /** What actually moved, when a check found less than the amount approved (a seller captured less). */
  settledAmount: string | null
  /**
   * A tempo session's row, in words: "Deposit locked in escrow", "Top-up of the escrow", or a
   * call's voucher, "Voucher: 0.37 pathUSD paid in this session so far"; null for other payments.
   */
  session: string | null
  method: string | null
  /** The payment protocol the server asked in: "MPP" or "x402". */
  protocol: string
  /** What paid: "USDC on Base Sepolia", "Card", "x402 upto · USDC on Base". */
  paysWith: string | null
  chainId: number | null
  recipient: string | null
  /** The transaction (or card charge) the settlement check found, else the server's receipt reference. */
  reference: string | null
  /** A warning for a payment in question: unconfirmed, or confirmed against what the server said. */
  warning: string | null
  /** "you", "your rule", "your lease", "your budget", "Allowance". */
  decidedBy: string | null
  /** Why it was declined or failed, in words. */
  reason: string | null
}

export type History = {
  /** Newest first, at most the limit asked for. */
  rows: HistoryRow[]
  /** How many payments the filter selects in all. */
  count: number
  /** What they spent or hold (everything but declined and failed, fees included), one amount per budget unit: `["$1.25"]`. */
  totals: string[]
  charts: SpendChart[]
  periods: PeriodSpend
}

/**
 * What the selection spent this week, last week, this month and last month (weeks from Monday,
 * in the companion's time zone, as budgets count them), per server and per agent host. An amount
 * is one text per budget unit joined by " + " (`$1.25`; USD-pegged tokens count in US dollars), or
 * "—" where nothing was spent.
 */
export type PeriodSpend = {
  periods: { name: string; start: number; end: number }[]
  byServer: PeriodGroup[]
  byHost: PeriodGroup[]
  /** The whole selection, per period. */
  total: string[]
}

export type PeriodGroup = {
  label: string
  /** The full server (its URL or command line), or the host. */
  name: string
  /** Per period, in the order of `periods`. */
  amounts: string[]
}

/** Spend per local day and server over the filter's range (the last 14 days by default, at most 92), in one budget unit. */
export type SpendChart = {
  unit: Units.Described
  /** Largest total first; `days[].amounts` follow this order. */
  servers: { label: string; total: string }[]
  days: {
    /** `2026-03-04`, in the companion's time zone. */
    day: string
    total: string
    /** Each server's spend that day in atomic units of `unit`, as integer strings. */
    amounts: string[]
  }[]
}

export type PaymentDetails = HistoryRow & {
  upstream: string
  realm: string | null
  challengeId: string | null
  intent: string | null
  /** The amount's value in US dollars when its currency is pegged: "$0.25". */
  usd: string | null
  /** "Base Sepolia", "Chain 31337". */
  chain: string | null
  /** The transaction on the chain's block explorer, when the chain has a known one. */
  explorerUrl: string | null
  argumentsPreview: string | null
  /** The server's own words about the payment: untrusted, shown as plain text. */
  description: string | null
  flags: readonly string[]
  /** Who decided, as a sentence: "You declined", "Your rule: pay up to $0.05 a call on tools.example.com". */
  decision: string | null
  decidedAt: number | null
  /** When the server accepted the credential, and when the chain (or Stripe) confirmed the payment. */
  acceptedAt: number | null
  confirmedAt: number | null
  /** The server's receipt reference, which a settlement check may have contradicted. */
  receiptReference: string | null
  /** 1 for the host request's first payment; 2 for one the server asked for after a credential. */
  round: number
  error: string | null
}

/** What a history can be filtered by: the hosts, servers and calls the ledger has seen. */
export type Choices = {
  hosts: string[]
  servers: { upstream: string; label: string }[]
  calls: { operation: Operation; target: string; label: string }[]
}

/** Every selected row, with the columns of `allowance history --csv`. */
export type HistoryCsv = { filename: string; count: number; csv: string }

// ─── Rules & budgets ────────────────────────────────────────────────────────────────────────
// GET|POST /api/rules, /api/budgets; PATCH /api/rules/:id, /api/budgets/:id; …/remove, …/restore;
// GET /api/leases, POST /api/leases/:id/revoke; POST /api/pause; GET /api/units

/** What a rule, budget or lease applies to: "everything", "`search` on tools.example.com for Cursor", with the full server. */
export type Applies = { scope: string; upstream: string | null }

/** A rule's or budget's scope as its edit form shows it: blank for any. */
export type ScopeFields = { server: string; operation?: Operation; target: string; host: string }

export type Rule = Applies & {
  id: number
  kind: 'auto-approve' | 'limit'
  /** Per call: "$0.05". */
  amount: string
  amountText: string
  unit: string
  fields: ScopeFields
  /** The recipient an auto-approve rule trusts without asking first. */
  recipient: string | null
  label: string | null
}

export type Budget = Applies & {
  id: number
  period: Period.Period
  label: string | null
  amount: string
  amountText: string
  unit: string
  fields: ScopeFields
  used: string
  remaining: string
  /** What is used, as a share of the amount from 0 to 1 (for a bar; more than 1 never shows). */
  share: number
  /** When the period ends and the budget refills, in epoch milliseconds. */
  periodEnd: number
}

export type Lease = Applies & {
  id: number
  /** The most it may pay in total: "$2.00". */
  amount: string
  spent: string
  remaining: string
  share: number
  expiresAt: number
}

/** A share of the wallet's address with a server ("share my address with <server>"): its identity proofs are answered without asking. */
export type AddressShare = {
  id: number
  upstream: string
  /** The upstream's short name. */
  server: string
  createdAt: number
}

/**
 * A subscription the user approved, as Rules & budgets lists it. `active`: the first charge is
 * confirmed on chain; `activating`: it is not yet (or the server never took it: the row says);
 * `cancelled`, `ended`.
 */
export type SubscriptionView = {
  id: number
  upstream: string
  server: string
  /** "9 pathUSD" */
  amount: string
  /** "every 30 days" */
  period: string
  state: 'active' | 'activating' | 'cancelled' | 'ended'
  /** When the server may charge next (epoch ms); null once cancelled or ended, or before the first charge. */
  nextChargeAt: number | null
  /** Charges confirmed on chain so far. */
  charges: number
  /** The payment row of the first charge (History). */
  firstPaymentId: number
  expiresAt: number
  cancelledAt: number | null
  /** What cancelling did beyond the ledger: the access key revoked on chain, or why not. */
  cancelOutcome: string | null
}

/** A unit amounts can be typed in: `name` is what the companion reads back ("usd", "iso:eur", "<chainId>:<address>"). */
export type Unit = { name: string; label: string }

export type Paused = WithMessage<{ paused: boolean }>

const amount = z.string().trim().min(1, 'give an amount, like 0.50').max(80, 'the amount is too long')
const unit = z.string().max(100).default('usd')
const label = z.string().trim().max(200, 'a label has at most 200 characters').optional()

/** What a rule, budget or lease applies to; blank fields mean any. */
export const ScopeBody = z.strictObject({
  server: z.string().max(4096).optional(),
  operation: z.enum(operations).optional(),
  target: z.string().max(1024).optional(),
  host: z.string().max(200).optional(),
})
export type Scope = z.input<typeof ScopeBody>

const recipient = z
  .string()
  .trim()
  .regex(Rules.recipientPattern, 'a recipient is an address (0x…) or a Stripe profile id')
  .optional()

/** `POST /api/rules`: the amount as the user typed it ("0.50") in `unit`. */
export const RuleBody = z.strictObject({ kind: z.enum(['auto-approve', 'limit'], 'the kind is auto-approve or limit'), amount, unit, scope: ScopeBody.default({}), recipient, label })
export type RuleRequest = z.input<typeof RuleBody>

/** `POST /api/budgets`: replaces the budget of the same period, unit and scope. */
export const BudgetBody = z.strictObject({
  amount,
  period: z.enum(Period.periods as [Period.Period, ...Period.Period[]], 'the period is day, week or month'),
  unit,
  scope: ScopeBody.default({}),
  label,
})
export type BudgetRequest = z.input<typeof BudgetBody>

/** `PATCH /api/rules/:id`, `PATCH /api/budgets/:id`: the amount in the row's own unit, the whole scope, the label (blank clears it). */
export const EditBody = z.strictObject({ amount: amount.optional(), scope: ScopeBody.optional(), label: z.string().trim().max(200, 'a label has at most 200 characters').optional() })
export type EditRequest = z.input<typeof EditBody>

export const PauseBody = z.strictObject({ paused: z.boolean('paused is true or false') })
export type PauseRequest = z.input<typeof PauseBody>

// ─── Servers ────────────────────────────────────────────────────────────────────────────────
// GET /api/servers, GET /api/servers/check (a Doctor.Report), POST /api/servers/settings, POST /api/hosts/route, POST /api/hosts/add

/** The doctor's report: each Allowance entry started once, as its host would. */
export type DoctorReport = Doctor.Report

export type ServersView = {
  /** Most recently paid first, then those no payment went to yet. */
  servers: Server[]
  hosts: Doctor.HostReport[]
  /**
   * What the host entries' files and the data directory show is wrong (nothing going through
   * Allowance, a file that does not parse, no wallet and no card), without starting an entry,
   * reading the keychain or asking the companion's socket: "Check now" does those.
   */
  problems: Doctor.Problem[]
}

export type Server = {
  upstream: string
  /** The host of its URL, or its command. */
  label: string
  /** How many payments it asked for. */
  payments: number
  /** What it was paid or holds (everything but declined and failed, fees included), one amount per budget unit. */
  spent: string[]
  /** The newest few payments. */
  recent: HistoryRow[]
  /**
   * How many times in the last 7 days it answered a payment with a new challenge for the same call
   * (Allowance did not pay again); a server that does it repeatedly is flagged.
   */
  rechallenges: number
  /** The host entries that reach it, through Allowance or directly. */
  entries: EntryRef[]
  /** What its calls cost, as far as Allowance knows, per call and source. */
  prices: PriceRow[]
  /** The last look at its discovery document (servers over HTTP only). */
  discovery: DiscoveryCheck | null
  settings: ServerSettingsView
}

/** One source's price for one call: advisory, never what is paid (the live challenge decides). */
export type PriceRow = {
  operation: Operation
  target: string
  /** "0.01 USDC", "set per call". */
  price: string
  /** `discovery`: the server's discovery document; `challenge`: what it last asked; `x402`: an x402 offer it made. */
  source: 'discovery' | 'challenge' | 'x402'
  seenAt: number
  /** The price Allowance goes by for this call: the live one where there is one, else the advertised one. */
  inForce: boolean
  /** The live price asks more than the document advertises, in the same currency. */
  aboveAdvertised: boolean
}

export type DiscoveryCheck = {
  url: string
  checkedAt: number
  /** `found`: read; `none`: the server publishes none; `ignored`: unusable (`problem` says why), the prices known before kept. */
  outcome: 'found' | 'none' | 'ignored'
  problem: string | null
}

/** The user's choices for a server. */
export type ServerSettingsView = {
  /** Known prices appended to paid tools' descriptions in the agent's tool list. */
  describePrices: boolean
  /** The agent is offered the read-only `allowance_payments_status` tool. */
  statusTool: boolean
}

/** What a change to a host's config did: the sentence, and the host's restart hint when it needs one. */
export type HostChange = { message: string; changed: boolean; restart: string | null }

export type EntryRef = { hostId: string; host: string; name: string; file: string; throughAllowance: boolean; routable: boolean }

const hostId = z.enum(Hosts.all.map((host) => host.id) as [string, ...string[]], `the host is one of ${Hosts.all.map((host) => host.id).join(', ')}`)
const name = z.string().regex(Entry.namePattern, 'a server name has letters, digits, ".", "_" and "-" (at most 64)')

/** `POST /api/hosts/route`: what `allowance install --wrap` does, to the one config file the entry is in. */
export const RouteBody = z.strictObject({ host: hostId, name, file: z.string().min(1).max(4096) })
export type RouteRequest = z.input<typeof RouteBody>

/** `POST /api/servers/settings`: the user's choices for one server; what is left out stays as it was. */
export const ServerSettingsBody = z.strictObject({
  upstream: z.string().min(1, 'name the server').max(4096),
  describePrices: z.boolean('describePrices is true or false').optional(),
  statusTool: z.boolean('statusTool is true or false').optional(),
})
export type ServerSettingsRequest = z.input<typeof ServerSettingsBody>

/** `POST /api/hosts/add`: what `allowance install <host> <name> <url>` does. */
export const AddServerBody = z.strictObject({
  host: hostId,
  name,
  url: z.string().trim().min(1, 'give the server URL').max(4096),
  headers: z.array(z.string().max(8192)).max(32).default([]),
})
export type AddServerRequest = z.input<typeof AddServerBody>

// ─── Settings ───────────────────────────────────────────────────────────────────────────────
// GET /api/settings, POST /api/settings

/** The companion's settings the UI shows and changes, with their words. */
export type SettingsView = {
  approvalTimeout: ApprovalTimeout
}

export type ApprovalTimeout = {
  ms: number
  /** "1 minute", "90 seconds". */
  text: string
  /** The waits offered, shortest first; the one in force is always among them. */
  choices: { ms: number; text: string }[]
}

/** `POST /api/settings`: how long the next payments wait for a human (1,000 to 3,600,000, whole seconds). */
export const SettingsBody = z.strictObject({
  approvalTimeoutMs: z
    .number('the wait is a number of milliseconds')
    .int('the wait is whole seconds')
    .min(1_000, 'a payment waits at least 1 second')
    .max(3_600_000, 'a payment waits at most 1 hour')
    .refine((ms) => ms % 1000 === 0, 'the wait is whole seconds'),
})
export type SettingsRequest = z.input<typeof SettingsBody>

// ─── Wallet ─────────────────────────────────────────────────────────────────────────────────
// GET /api/wallet, GET /api/wallet/balances, POST /api/wallet/create|unlock|lock|threshold

export type WalletView = {
  address: string | null
  /** "the OS keychain" or "an encrypted keystore file". */
  keyStore: string | null
  /** Where the key is: a file can be locked and unlocked with its passphrase; the keychain cannot. */
  store: 'keychain' | 'file' | null
  /** The key is in a file that no passphrase opens in this run: payments by wallet cannot be signed. */
  locked: boolean
  /** "visa •••• 4242 (pm_…, test mode)". */
  card: { label: string; mode: 'test' | 'live' } | null
  /** What would make payments fail, oldest first: a balance below its warning level, a payment short of funds, a failing card. */
  warnings: WalletWarning[]
  /** The warning level of each token the wallet pays with (or that has one set). */
  thresholds: BalanceThreshold[]
}

export type WalletWarning = {
  kind: 'low_balance' | 'insufficient_funds' | 'card'
  title: string
  body: string
  /** What to do about it, in a sentence. */
  action: string | null
  /** Where to send tokens to top up, for a balance warning. */
  address: string | null
  since: number
}

export type BalanceThreshold = {
  /** The token's currency key, as `POST /api/wallet/threshold` takes it. */
  currency: string
  /** "USDC on Base". */
  token: string
  /** "5 USDC"; null when there is none (no budget to take a default from, or turned off with 0). */
  amount: string | null
  /** The level is the default: what the budgets could spend in a day. */
  byDefault: boolean
  /** The token's decimals, to read a typed amount. */
  decimals: number
}

/** `POST /api/wallet/threshold`: a token's warning level in its own units ("5.00"), `null` for the default, "0" for none. */
export const ThresholdBody = z.strictObject({
  currency: z.string().min(1).max(200),
  amount: z.string().trim().min(1, 'give an amount, like 5.00').max(80).nullable(),
})
export type ThresholdRequest = z.input<typeof ThresholdBody>

export type Balance = {
  chainId: number
  /** "Base Sepolia", "Chain 31337". */
  chain: string
  symbol: string
  testnet: boolean
  /** "12.5 USDC"; null when the chain did not answer. */
  amount: string | null
  /** Why the chain did not answer (unreachable RPC, say). */
  error: string | null
}

/**
 * `GET /api/wallet/channels`: the wallet's tempo session channels still holding money, and those
 * closed in the last week; `POST /api/wallet/channels/<id>/close` asks the escrow to close one.
 */
export type ChannelView = {
  /** The escrow's channel id. */
  id: string
  /** The server it pays (the upstream as configured). */
  server: string
  state: 'opening' | 'open' | 'closing' | 'closed' | 'abandoned'
  /** "pathUSD on Tempo Localnet". */
  token: string
  /** "0.50 pathUSD": what the escrow holds. */
  deposited: string
  /** What the vouchers signed so far pay the server. */
  used: string
  /** What comes back when it closes now (deposited − used), or what came back. */
  refundable: string
  /** When the companion closes it unless the user does first (ms). */
  expiresAt: number
  /** The transaction that paid it out, once closed. */
  closeTransaction: string | null
}

const passphrase = z.string().min(1, 'type the passphrase').max(1000)

/** `POST /api/wallet/create`: without a keychain the companion answers 409 with `needsPassphrase`; ask for one and create again. */
export const CreateWalletBody = z.strictObject({ passphrase: passphrase.optional() })
export type CreateWalletRequest = z.input<typeof CreateWalletBody>

export const UnlockBody = z.strictObject({ passphrase })
export type UnlockRequest = z.input<typeof UnlockBody>
