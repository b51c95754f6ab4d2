import * as Payments from './Payments.js'
import * as Period from './Period.js'
import * as Scope from './Scope.js'

/**
 * The filter a history's words select, as `allowance history` and the History screen take them:
 * `server` (a URL or a local server's command line), `host`, a call (`operation` and `target`),
 * `status` (states, comma-separated), `since` and `until` (YYYY-MM-DD in local time, `until`
 * included, or ISO 8601 times), and `search` (text to look for, see
 * {@link Payments.list.Filters}). Throws a `FilterError` naming the word that is wrong.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as HistoryFilter from './HistoryFilter.js'
 * import * as Payments from './Payments.js'
 *
 * const db = Database.open(':memory:')
 * const filters = HistoryFilter.read({ server: 'https://tools.example.com/mcp', status: 'confirmed,unconfirmed', since: '2026-03-01' })
 * const rows = Payments.list(db, { ...filters, limit: 100 })
 * HistoryFilter.read({ status: 'paid' }) // throws a FilterError whose field is 'status'
 * ```
 */
export function read(words: read.Words): Omit<Payments.list.Filters, 'limit'> {
  const { server, host, operation, target, status, since, until } = words
  const search = words.search?.trim() || undefined
  const checked = <T>(field: FilterError['field'], value: () => T): T => {
    try {
      return value()
    } catch (error) {
      throw new FilterError(field, (error as Error).message)
    }
  }
  const filters: Omit<Payments.list.Filters, 'limit'> = {
    ...(server !== undefined && { upstream: Scope.upstream(server) }),
    ...(host !== undefined && { host }),
    ...(operation !== undefined && target !== undefined && { operation, target }),
    ...(status !== undefined && { states: checked('status', () => readStates(status)) }),
    ...(since !== undefined && { since: checked('since', () => Period.readTime(since, 'since')) }),
    ...(until !== undefined && { until: checked('until', () => Period.readTime(until, 'until')) }),
    ...(search !== undefined && { search: checked('search', () => readSearch(search)) }),
  }
  if (filters.since !== undefined && filters.until !== undefined && filters.since >= filters.until) throw new FilterError('range', 'The range must start before it ends.')
  return filters
}

export declare namespace read {
  type Words = { server?: string; host?: string; operation?: Scope.Operation; target?: string; status?: string; since?: string; until?: string; search?: string }
}

function readSearch(text: string): string {
  if (text.length > maxSearch) throw new Error(`A search is at most ${maxSearch} characters.`)
  return text
}

const maxSearch = 200

/** A history filter's word that is not one: `field` says which (`range`: since is not before until). */
export class FilterError extends Error {
  constructor(
    readonly field: 'status' | 'since' | 'until' | 'search' | 'range',
    message: string,
  ) {
    super(message)
  }
}

/** `"settled"` or `"settled,failed"` as states; throws naming the first word that is not one. */
export function readStates(text: string): Payments.State[] {
  return text.split(',').map((word) => {
    const state = word.trim() as Payments.State
    if (!Payments.states.includes(state)) throw new Error(`"${word}" is not a payment state (${Payments.states.join(', ')}).`)
    return state
  })
}
