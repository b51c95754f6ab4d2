import type * as Contract from '../../main/uiapi/Contract.js'
import * as Transport from './Transport.js'

export type {
  Approval,
  ApproveOption,
  Balance,
  Budget,
  ChannelView,
  Choices,
  Done,
  DoctorReport,
  History,
  HistoryFilter,
  HistoryRow,
  HostChange,
  Lease,
  Notice,
  Option,
  PaymentDetails,
  PeriodGroup,
  PeriodSpend,
  Resolved,
  Rule,
  Scope,
  ServersView,
  ServerSettingsRequest,
  SettingsView,
  SignedIn,
  SignInRequest,
  SpendChart,
  Status,
  Unit,
  WalletView,
} from '../../main/uiapi/Contract.js'

/** The companion refused: `message` is its sentence, `body` what else it answered (`needsPassphrase`, say). */
export class ApiError extends Error {
  override name = 'ApiError'
  constructor(
    message: string,
    readonly body: unknown,
  ) {
    super(message)
  }
}

/** Calls the companion's UI API; a refusal becomes an ApiError with the companion's sentence. */
async function request<T>(method: 'GET' | 'POST' | 'PATCH', path: string, body?: unknown): Promise<T> {
  const reply = await Transport.request(method, path, body)
  const json = (() => {
    try {
      return JSON.parse(reply.json) as unknown
    } catch {
      return undefined
    }
  })()
  if (reply.status !== 200) throw new ApiError((json as Partial<Contract.Refusal> | undefined)?.error ?? `The companion answered ${reply.status}.`, json)
  return json as T
}

export const approvals = () => request<Contract.Approval[]>('GET', '/api/approvals')
export const status = () => request<Contract.Status>('GET', '/api/status')
export const approve = (paymentId: number, option: Contract.ApproveOption, challengeId: string) =>
  request<Contract.DecisionView>('POST', `/api/approvals/${paymentId}/approve`, { option, challengeId } satisfies Contract.ApproveRequest)
export const decline = (paymentId: number) => request<Contract.DecisionView>('POST', `/api/approvals/${paymentId}/decline`)
export const declineAll = () => request<Contract.DecisionView[]>('POST', '/api/approvals/decline-all')

export const settings = () => request<Contract.SettingsView>('GET', '/api/settings')
/** How long the next payments wait for the human before they are declined. */
export const setApprovalTimeout = (approvalTimeoutMs: number) =>
  request<Contract.WithMessage<Contract.SettingsView>>('POST', '/api/settings', { approvalTimeoutMs } satisfies Contract.SettingsRequest)

const query = (filter: Contract.HistoryFilter, extra: Record<string, string> = {}) => {
  const entries = Object.entries({ ...filter, ...extra }).filter((entry): entry is [string, string] => Boolean(entry[1]))
  return entries.length ? `?${new URLSearchParams(entries)}` : ''
}

export const history = (filter: Contract.HistoryFilter, limit = 100) => request<Contract.History>('GET', `/api/history${query(filter, { limit: String(limit) })}`)
export const historyChoices = () => request<Contract.Choices>('GET', '/api/history/choices')
export const historyCsv = (filter: Contract.HistoryFilter) => request<Contract.HistoryCsv>('GET', `/api/history/csv${query(filter)}`)
export const payment = (id: number) => request<Contract.PaymentDetails>('GET', `/api/history/${id}`)

export const rules = () => request<Contract.Rule[]>('GET', '/api/rules')
export const addRule = (rule: Contract.RuleRequest) => request<Contract.Done>('POST', '/api/rules', rule)
/** What the edit form sends: the amount in the row's own unit, the whole scope, the label (blank clears it). */
export type Edit = Required<Contract.EditRequest>

export const changeRule = (id: number, edit: Edit) => request<Contract.Done>('PATCH', `/api/rules/${id}`, edit)
export const removeRule = (id: number) => request<Contract.Done>('POST', `/api/rules/${id}/remove`)
export const restoreRule = (id: number) => request<Contract.Done>('POST', `/api/rules/${id}/restore`)
export const budgets = () => request<Contract.Budget[]>('GET', '/api/budgets')
export const setBudget = (budget: Contract.BudgetRequest) => request<Contract.Done>('POST', '/api/budgets', budget)
export const changeBudget = (id: number, edit: Edit) => request<Contract.Done>('PATCH', `/api/budgets/${id}`, edit)
export const removeBudget = (id: number) => request<Contract.Done>('POST', `/api/budgets/${id}/remove`)
export const restoreBudget = (id: number) => request<Contract.Done>('POST', `/api/budgets/${id}/restore`)
export const leases = () => request<Contract.Lease[]>('GET', '/api/leases')
export const revokeLease = (id: number) => request<Contract.Done>('POST', `/api/leases/${id}/revoke`)
export const subscriptions = () => request<Contract.SubscriptionView[]>('GET', '/api/subscriptions')
export const cancelSubscription = (id: number) => request<Contract.Done>('POST', `/api/subscriptions/${id}/cancel`)
export const shares = () => request<Contract.AddressShare[]>('GET', '/api/shares')
export const removeShare = (id: number) => request<Contract.Done>('POST', `/api/shares/${id}/remove`)
export const pause = (paused: boolean) => request<Contract.Paused>('POST', '/api/pause', { paused } satisfies Contract.PauseRequest)
export const units = () => request<Contract.Unit[]>('GET', '/api/units')

type Wallet = Contract.WithMessage<Contract.WalletView>

export const wallet = () => request<Contract.WalletView>('GET', '/api/wallet')
export const balances = () => request<Contract.Balance[]>('GET', '/api/wallet/balances')
/** Without a keychain the companion answers 409 with `needsPassphrase`: ask for one and create again. */
export const createWallet = (passphrase?: string) =>
  request<Wallet>('POST', '/api/wallet/create', (passphrase === undefined ? {} : { passphrase }) satisfies Contract.CreateWalletRequest)
export const unlockWallet = (passphrase: string) => request<Wallet>('POST', '/api/wallet/unlock', { passphrase } satisfies Contract.UnlockRequest)
export const lockWallet = () => request<Wallet>('POST', '/api/wallet/lock')
/** A token's warning level in its own units ("5.00"); null: back to the default; "0": no warning. */
export const setThreshold = (currency: string, amount: string | null) => request<Wallet>('POST', '/api/wallet/threshold', { currency, amount } satisfies Contract.ThresholdRequest)
/** Tempo session channels: what each escrow holds for a server, and what comes back when it closes. */
export const channels = () => request<Contract.ChannelView[]>('GET', '/api/wallet/channels')
export const closeChannel = (id: string) => request<Contract.WithMessage<Contract.ChannelView>>('POST', `/api/wallet/channels/${id}/close`)

export const servers = () => request<Contract.ServersView>('GET', '/api/servers')
/** The user's choices for one server: prices in the agent's tool list, the read-only status tool. */
export const setServerSettings = (settings: Contract.ServerSettingsRequest) =>
  request<Contract.WithMessage<Contract.ServerSettingsView>>('POST', '/api/servers/settings', settings)
/** The doctor's report: each Allowance entry started once, as its host would. */
export const checkServers = () => request<Contract.DoctorReport>('GET', '/api/servers/check')
/** What `allowance install --wrap` does, to the one config file the entry is in. */
export const routeThroughAllowance = (entry: Contract.RouteRequest) => request<Contract.HostChange>('POST', '/api/hosts/route', entry)
/** What `allowance install <host> <name> <url>` does. */
export const addServerToHost = (server: Contract.AddServerRequest) => request<Contract.HostChange>('POST', '/api/hosts/add', server)

export const signIns = () => request<Contract.SignInRequest[]>('GET', '/api/signins')
/** **Sign in**: the companion opens the system browser; the link comes back too. */
export const openSignIn = (id: number) => request<{ url: string; opened: boolean; message: string }>('POST', `/api/signins/${id}/open`)
/** **Not now**: the agent is told in one sentence. */
export const dismissSignIn = (id: number) => request<{ message: string }>('POST', `/api/signins/${id}/dismiss`)
export const signedIn = () => request<Contract.SignedIn[]>('GET', '/api/auth')
export const signInTo = (server: string) => request<{ message: string; request?: Contract.SignInRequest }>('POST', '/api/auth/login', { server })
export const signOut = (server: string) => request<{ message: string }>('POST', '/api/auth/logout', { server })
