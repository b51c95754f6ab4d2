import type { Approval, Budget, HistoryRow, Option } from '../../main/companion/Views.js'

export type { Approval, Budget, HistoryRow, Option }

/**
 * The companion's UI API, as the page calls it. The token comes from the page's own URL (the one
 * the companion printed), stays in memory, and travels in a header on every call.
 */
const token = new URLSearchParams(location.search).get('token') ?? ''

export const headers = { 'x-allowance-token': token }

class ApiError extends Error {
  override name = 'ApiError'
}

async function request<T>(method: 'GET' | 'POST', path: string, body?: unknown): Promise<T> {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  })
  const json = (await response.json().catch(() => undefined)) as { error?: string } | undefined
  if (!response.ok) throw new ApiError(json?.error ?? `The companion answered ${response.status}.`)
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
