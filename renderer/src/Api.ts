import type { Broker } from '../../main/auth/Broker.js'
import type { Choices, History, HistoryRow, PaymentDetails, PeriodGroup, PeriodSpend, SpendChart } from '../../main/companion/HistoryViews.js'
import type { Budget, Lease, Rule, Unit } from '../../main/companion/PolicyViews.js'
import type { HostChange, ServersView } from '../../main/companion/ServersViews.js'
import type { Approval, Option } from '../../main/companion/Views.js'
import type { SettingsView } from '../../main/companion/SettingsViews.js'
import type { Balance, WalletView } from '../../main/companion/WalletViews.js'
import type { Report as DoctorReport } from '../../main/doctor/Doctor.js'
import type { Operation, Status } from '../../main/wire/Messages.js'
import * as Transport from './Transport.js'

/** A sign-in waiting for the human: the server, who asked, and the link (no secret). */
export type SignInRequest = Broker.Request
/** Who is signed in where (no token ever reaches the page). */
export type SignedIn = Broker.SignInView

export type { Approval, Balance, Budget, Choices, DoctorReport, History, HistoryRow, HostChange, Lease, Option, PaymentDetails, PeriodGroup, PeriodSpend, Rule, ServersView, SettingsView, SpendChart, Status, Unit, WalletView }

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
  if (reply.status !== 200) throw new ApiError((json as { error?: string } | undefined)?.error ?? `The companion answered ${reply.status}.`, json)
  return json as T
}

/** How a human approves: this payment only, a lease, or a standing rule; limits in budget units (integer strings). */
export type ApproveOption =
  | 'once'
  | { lease: { minutes: number; limit: string; scope: 'server' | 'target' } }
  | { rule: { perCallLimit: string; scope: 'server' | 'target' } }

export const approvals = () => request<Approval[]>('GET', '/api/approvals')
export const status = () => request<Status>('GET', '/api/status')
export const approve = (paymentId: number, option: ApproveOption, challengeId: string) =>
  request<unknown>('POST', `/api/approvals/${paymentId}/approve`, { option, challengeId })
export const decline = (paymentId: number) => request<unknown>('POST', `/api/approvals/${paymentId}/decline`)
export const declineAll = () => request<unknown[]>('POST', '/api/approvals/decline-all')

export const settings = () => request<SettingsView>('GET', '/api/settings')
/** How long the next payments wait for the human before they are declined. */
export const setApprovalTimeout = (approvalTimeoutMs: number) => request<SettingsView & { message: string }>('POST', '/api/settings', { approvalTimeoutMs })

/** A history filter as the companion reads it from the query; blank fields select everything. */
export type HistoryFilter = { server?: string; host?: string; operation?: string; target?: string; status?: string; since?: string; until?: string; search?: string }

const query = (filter: HistoryFilter, extra: Record<string, string> = {}) => {
  const entries = Object.entries({ ...filter, ...extra }).filter((entry): entry is [string, string] => Boolean(entry[1]))
  return entries.length ? `?${new URLSearchParams(entries)}` : ''
}

export const history = (filter: HistoryFilter, limit = 100) => request<History>('GET', `/api/history${query(filter, { limit: String(limit) })}`)
export const historyChoices = () => request<Choices>('GET', '/api/history/choices')
export const historyCsv = (filter: HistoryFilter) => request<{ filename: string; count: number; csv: string }>('GET', `/api/history/csv${query(filter)}`)
export const payment = (id: number) => request<PaymentDetails>('GET', `/api/history/${id}`)

/** What a rule, budget or lease applies to; blank fields mean any. */
export type Scope = { server?: string; operation?: Operation; target?: string; host?: string }

/** Every change answers with the companion's sentence saying what it did. */
export type Done = { id: number; message: string }

export const rules = () => request<Rule[]>('GET', '/api/rules')
export const addRule = (rule: { kind: Rule['kind']; amount: string; unit: string; scope: Scope; recipient?: string; label?: string }) => request<Done>('POST', '/api/rules', rule)
/** What an edit of a rule or budget sends: the amount in its own unit, the whole scope, the label (blank clears it). */
export type Edit = { amount: string; scope: Scope; label: string }

export const changeRule = (id: number, edit: Edit) => request<Done>('PATCH', `/api/rules/${id}`, edit)
export const removeRule = (id: number) => request<Done>('POST', `/api/rules/${id}/remove`)
export const restoreRule = (id: number) => request<Done>('POST', `/api/rules/${id}/restore`)
export const budgets = () => request<Budget[]>('GET', '/api/budgets')
export const setBudget = (budget: { amount: string; period: Budget['period']; unit: string; scope: Scope; label?: string }) => request<Done>('POST', '/api/budgets', budget)
export const changeBudget = (id: number, edit: Edit) => request<Done>('PATCH', `/api/budgets/${id}`, edit)
export const removeBudget = (id: number) => request<Done>('POST', `/api/budgets/${id}/remove`)
export const restoreBudget = (id: number) => request<Done>('POST', `/api/budgets/${id}/restore`)
export const leases = () => request<Lease[]>('GET', '/api/leases')
export const revokeLease = (id: number) => request<Done>('POST', `/api/leases/${id}/revoke`)
export const pause = (paused: boolean) => request<{ paused: boolean; message: string }>('POST', '/api/pause', { paused })
export const units = () => request<Unit[]>('GET', '/api/units')

export const wallet = () => request<WalletView>('GET', '/api/wallet')
export const balances = () => request<Balance[]>('GET', '/api/wallet/balances')
/** Without a keychain the companion answers 409 with `needsPassphrase`: ask for one and create again. */
export const createWallet = (passphrase?: string) => request<WalletView & { message: string }>('POST', '/api/wallet/create', passphrase === undefined ? {} : { passphrase })
export const unlockWallet = (passphrase: string) => request<WalletView & { message: string }>('POST', '/api/wallet/unlock', { passphrase })
export const lockWallet = () => request<WalletView & { message: string }>('POST', '/api/wallet/lock')

export const servers = () => request<ServersView>('GET', '/api/servers')
/** The doctor's report: each Allowance entry started once, as its host would. */
export const checkServers = () => request<DoctorReport>('GET', '/api/servers/check')
/** What `allowance install --wrap` does, to the one config file the entry is in. */
export const routeThroughAllowance = (entry: { host: string; name: string; file: string }) => request<HostChange>('POST', '/api/hosts/route', entry)
/** What `allowance install <host> <name> <url>` does. */
export const addServerToHost = (server: { host: string; name: string; url: string; headers: string[] }) => request<HostChange>('POST', '/api/hosts/add', server)

export const signIns = () => request<SignInRequest[]>('GET', '/api/signins')
/** **Sign in**: the companion opens the system browser; the link comes back too. */
export const openSignIn = (id: number) => request<{ url: string; opened: boolean; message: string }>('POST', `/api/signins/${id}/open`)
/** **Not now**: the agent is told in one sentence. */
export const dismissSignIn = (id: number) => request<{ message: string }>('POST', `/api/signins/${id}/dismiss`)
export const signedIn = () => request<SignedIn[]>('GET', '/api/auth')
export const signInTo = (server: string) => request<{ message: string; request?: SignInRequest }>('POST', '/api/auth/login', { server })
export const signOut = (server: string) => request<{ message: string }>('POST', '/api/auth/logout', { server })
