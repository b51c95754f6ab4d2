import type { Approval, Budget, HistoryRow, Option } from '../../main/companion/Views.js'
import * as Transport from './Transport.js'

export type { Approval, Budget, HistoryRow, Option }

class ApiError extends Error {
  override name = 'ApiError'
}

/** Calls the companion's UI API; a refusal becomes an ApiError with the companion's sentence. */
async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const reply = await Transport.request(method, path, body)
  const json = (() => {
    try {
      return JSON.parse(reply.json) as unknown
    } catch {
      return undefined
    }
  })()
  if (reply.status !== 200) throw new ApiError((json as { error?: string } | undefined)?.error ?? `The companion answered ${reply.status}.`)
  return json as T
}

/** How a human approves: this payment only, a lease, or a standing rule; limits in budget units (integer strings). */
export type ApproveOption =
  | 'once'
  | { lease: { minutes: number; limit: string; scope: 'server' | 'target' } }
  | { rule: { perCallLimit: string; scope: 'server' | 'target' } }

export const approvals = () => request<Approval[]>('GET', '/api/approvals')
export const history = (limit = 100) => request<HistoryRow[]>('GET', `/api/history?limit=${limit}`)
export const budgets = () => request<Budget[]>('GET', '/api/budgets')
export const approve = (paymentId: number, option: ApproveOption, challengeId: string) =>
  request<unknown>('POST', `/api/approvals/${paymentId}/approve`, { option, challengeId })
export const decline = (paymentId: number) => request<unknown>('POST', `/api/approvals/${paymentId}/decline`)
export const declineAll = () => request<unknown[]>('POST', '/api/approvals/decline-all')
