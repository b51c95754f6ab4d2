import { type Database, statement } from './Database.js'

/**
 * The user's choices for one server reached through Allowance (its URL or stdio command line, as
 * the bridge was given it). Only the user changes them (UI or CLI); nothing reachable over MCP does.
 */
export type ServerSettings = {
  /** Append the known price to each paid tool's description in the agent's tool list (on unless turned off). */
  describePrices: boolean
  /** Offer the agent the read-only `allowance_payments_status` tool (off unless turned on). */
  statusTool: boolean
}

export const defaults: ServerSettings = { describePrices: true, statusTool: false }

/**
 * The settings in force for a server: its own where the user chose, the defaults otherwise.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as ServerSettings from './ServerSettings.js'
 *
 * const db = Database.open(':memory:')
 * ServerSettings.get(db, 'https://tools.example.com/mcp') // { describePrices: true, statusTool: false }
 * ```
 */
export function get(db: Database, upstream: string): ServerSettings {
  const row = statement(db, 'SELECT describe_prices, status_tool FROM server_settings WHERE upstream = ?').get(upstream) as
    | { describe_prices: number | null; status_tool: number | null }
    | undefined
  return {
    describePrices: row?.describe_prices == null ? defaults.describePrices : row.describe_prices === 1,
    statusTool: row?.status_tool == null ? defaults.statusTool : row.status_tool === 1,
  }
}

/**
 * Changes some of a server's settings; the others keep what they were.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as ServerSettings from './ServerSettings.js'
 *
 * const db = Database.open(':memory:')
 * ServerSettings.set(db, 'https://tools.example.com/mcp', { statusTool: true }, Date.now()) // { describePrices: true, statusTool: true }
 * ```
 */
export function set(db: Database, upstream: string, patch: Partial<ServerSettings>, now: number): ServerSettings {
  if (typeof upstream !== 'string' || upstream.length === 0 || upstream.length > 4096) throw new Error('A server is its URL or command line, of 1 to 4,096 characters.')
  for (const [key, value] of Object.entries(patch)) {
    if (!(key in defaults)) throw new Error(`There is no server setting "${key}".`)
    if (value !== undefined && typeof value !== 'boolean') throw new Error(`${key} must be true or false.`)
  }
  const bit = (value: boolean | undefined) => (value === undefined ? null : value ? 1 : 0)
  statement(
    db,
    `INSERT INTO server_settings (upstream, describe_prices, status_tool, updated_at) VALUES (?, ?, ?, ?)
     ON CONFLICT (upstream) DO UPDATE SET describe_prices = coalesce(excluded.describe_prices, describe_prices),
       status_tool = coalesce(excluded.status_tool, status_tool), updated_at = excluded.updated_at`,
  ).run(upstream, bit(patch.describePrices), bit(patch.statusTool), now)
  return get(db, upstream)
}
