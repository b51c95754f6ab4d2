import { type Database, statement } from './Database.js'
import * as Scope from './Scope.js'
import * as Units from '../payments/Units.js'

/**
 * The user's per-call rules. `auto_approve`: pay without asking at or below `amount` (the narrowest
 * matching rule decides). `limit`: decline above `amount` (every matching limit applies; 0 blocks).
 * Amounts are in `unit`; a rule applies only to payments counted in that unit. Removing a rule
 * keeps its row (history names it as `rule:<id>`).
 */
export type Kind = 'auto_approve' | 'limit'

export type Rule = Scope.Normalized & {
  id: number
  createdAt: number
  kind: Kind
  unit: string
  amount: bigint
  label: string | null
  /**
   * The recipient an auto-approve rule trusts (an address or a Stripe profile). Without one, a
   * recipient never approved for the server asks the human even where the rule would pay.
   */
  recipient: string | null
}

export function add(db: Database, parameters: add.Parameters): Rule {
  const { kind, unit, amount, label = null, recipient = null, now } = parameters
  if (kind !== 'auto_approve' && kind !== 'limit') throw new Error(`Unknown rule kind ${JSON.stringify(kind)}.`)
  const scope = Scope.normalize(parameters.scope)
  if (recipient !== null && kind !== 'auto_approve') throw new Error('Only an auto-approve rule names a recipient.')
  if (recipient !== null && !recipientPattern.test(recipient)) throw new Error('A recipient is an address (0x…) or a Stripe profile id.')
  const id = statement(db, `INSERT INTO rules (created_at, kind, upstream, operation, target, host, unit, amount, label, recipient)
      VALUES (@now, @kind, @upstream, @operation, @target, @host, @unit, @amount, @label, @recipient)`)
    .run({ now, kind, ...scope, unit: Units.check(unit), amount: Units.checkAmount(amount, 'A rule amount').toString(), label, recipient })
    .lastInsertRowid
  return get(db, Number(id))!
}

export declare namespace add {
  type Parameters = { kind: Kind; scope: Scope.Scope; unit: string; amount: bigint; label?: string | null; recipient?: string | null; now: number }
}

/**
 * The rules in force that a new rule with these parameters would stand beside as a twin: the same
 * kind, scope, unit and recipient. Of two such rules only one can decide, so a new one replaces them.
 */
export function alike(db: Database, parameters: alike.Parameters): Rule[] {
  const scope = Scope.normalize(parameters.scope)
  const recipient = parameters.recipient?.toLowerCase() ?? null
  return list(db).filter((rule) => rule.kind === parameters.kind && rule.unit === parameters.unit && Scope.same(rule, scope) && (rule.recipient?.toLowerCase() ?? null) === recipient)
}

export declare namespace alike {
  type Parameters = Pick<add.Parameters, 'kind' | 'scope' | 'unit' | 'recipient'>
}

/**
 * Adds a rule; the rules it is {@link alike} are replaced by it, in one transaction.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Rules from './Rules.js'
 *
 * const db = Database.open(':memory:')
 * const { rule, replaced } = Rules.set(db, {
 *   kind: 'auto_approve',
 *   scope: { upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' },
 *   unit: 'usd',
 *   amount: 50_000n, // pay up to $0.05 a call without asking
 *   now: Date.now(),
 * })
 * ```
 */
export function set(db: Database, parameters: add.Parameters): set.ReturnType {
  return db
    .transaction(() => {
      const twins = alike(db, parameters)
      const rule = add(db, parameters)
      for (const other of twins) replace(db, other.id, rule.id, parameters.now)
      return { rule, replaced: twins.map((other) => other.id) }
    })
    .immediate()
}

export declare namespace set {
  type ReturnType = { rule: Rule; replaced: number[] }
}

export function get(db: Database, id: number): Rule | undefined {
  const row = statement(db, 'SELECT * FROM rules WHERE id = ? AND deleted_at IS NULL').get(id) as Sql | undefined
  return row && fromSql(row)
}

export function list(db: Database): Rule[] {
  return (statement(db, 'SELECT * FROM rules WHERE deleted_at IS NULL ORDER BY id').all() as Sql[]).map(fromSql)
}

export function remove(db: Database, id: number, now: number): boolean {
  return statement(db, 'UPDATE rules SET deleted_at = ? WHERE id = ? AND deleted_at IS NULL').run(now, id).changes === 1
}

/** What an edit changes; absent fields stay as they are (a `null` label clears it). */
export type Edit = { amount?: bigint | undefined; scope?: Scope.Scope | undefined; label?: string | null | undefined }

/**
 * Edits a rule: a new rule with the edit applied (kind, unit and recipient kept) replaces it, and
 * any twin of the edited rule, in one transaction, so the history keeps naming the rule that
 * decided each payment as it was. Undefined when there is no such rule in force.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Rules from './Rules.js'
 *
 * const db = Database.open(':memory:')
 * const { rule } = Rules.set(db, { kind: 'limit', scope: {}, unit: 'usd', amount: 1_000_000n, now: Date.now() })
 * Rules.change(db, rule.id, { amount: 500_000n, label: 'never above $0.50' }, Date.now())?.rule.amount // 500000n
 * ```
 */
export function change(db: Database, id: number, edit: Edit, now: number): set.ReturnType | undefined {
  return db
    .transaction(() => {
      const rule = get(db, id)
      if (!rule || !remove(db, id, now)) return undefined
      const label = edit.label === undefined ? rule.label : edit.label
      const result = set(db, { ...rule, scope: edit.scope ?? rule, amount: edit.amount ?? rule.amount, label, now })
      replace(db, id, result.rule.id, now)
      return result
    })
    .immediate()
}

/**
 * Puts a removed rule back in force, the same row with the same id (what the history names), as
 * the Undo after a removal does. Throws a sentence when it cannot: the rule was replaced (by an
 * edit or a twin), a twin is in force, or it was removed longer than `within` ms before `now`. Undefined when no such rule was removed.
 */
export function restore(db: Database, id: number, options: { now: number; within: number }): Rule | undefined {
  return db
    .transaction(() => {
      const row = statement(db, 'SELECT * FROM rules WHERE id = ? AND deleted_at IS NOT NULL').get(id) as Sql | undefined
      if (!row) return undefined
      if (row.replaced_by !== null) throw new Error(`Rule ${id} was edited into rule ${row.replaced_by}; change that one instead.`)
      if (options.now - (row.deleted_at as number) > options.within) throw new Error(`Rule ${id} was removed too long ago to undo; add it again instead.`)
      const [twin] = alike(db, { ...fromSql(row), scope: fromSql(row) })
      if (twin) throw new Error(`Rule ${twin.id} now says the same for this scope; change that one instead.`)
      statement(db, 'UPDATE rules SET deleted_at = NULL WHERE id = ?').run(id)
      return fromSql(row)
    })
    .immediate()
}

/** The rule that replaced this one (an edit, or a twin set in its place), if any. */
export function replacement(db: Database, id: number): number | undefined {
  return (statement(db, 'SELECT replaced_by FROM rules WHERE id = ?').pluck().get(id) as number | null | undefined) ?? undefined
}

function replace(db: Database, id: number, by: number, now: number): void {
  statement(db, 'UPDATE rules SET deleted_at = coalesce(deleted_at, ?), replaced_by = ? WHERE id = ?').run(now, by, id)
}

/**
 * The rules among `rules` (as {@link list} read them) that cover this call in this unit, narrowest first.
 *
 * @example
 * ```ts
 * import * as Database from './Database.js'
 * import * as Rules from './Rules.js'
 *
 * const db = Database.open(':memory:')
 * Rules.set(db, { kind: 'auto_approve', scope: {}, unit: 'usd', amount: 10_000n, now: Date.now() })
 * Rules.set(db, { kind: 'auto_approve', scope: { upstream: 'https://tools.example.com/mcp' }, unit: 'usd', amount: 50_000n, now: Date.now() })
 * const context = { host: 'Claude Code', upstream: 'https://tools.example.com/mcp', operation: 'tools/call', target: 'search' } as const
 * Rules.matching(Rules.list(db), context, 'usd').map((rule) => rule.amount) // [50000n, 10000n]: the server's rule decides
 * ```
 */
export function matching(rules: readonly Rule[], context: Scope.Context, unit: string): Rule[] {
  return rules
    .filter((rule) => rule.unit === unit && Scope.includes(rule, context))
    .sort((a, b) => Scope.specificity(b) - Scope.specificity(a) || a.id - b.id)
}

/** What a rule's recipient looks like: an address (0x…) or a Stripe profile id. */
export const recipientPattern = /^[\w:.-]{3,255}$/

/** Whether an auto-approve rule among `rules` (those covering a payment) names this recipient. */
export function namesRecipient(rules: readonly Rule[], recipient: string): boolean {
  return rules.some((rule) => rule.kind === 'auto_approve' && rule.recipient?.toLowerCase() === recipient.toLowerCase())
}

/** Whether the user made an auto-approve rule, among `rules`, that names this upstream server. */
export function namesUpstream(rules: readonly Rule[], upstream: string): boolean {
  return rules.some((rule) => rule.kind === 'auto_approve' && rule.upstream === upstream)
}

type Sql = Record<string, string | number | null>

function fromSql(row: Sql): Rule {
  return {
    id: row.id as number,
    createdAt: row.created_at as number,
    kind: row.kind as Kind,
    upstream: row.upstream as string | null,
    operation: row.operation as Scope.Operation | null,
    target: row.target as string | null,
    host: row.host as string | null,
    unit: row.unit as string,
    amount: BigInt(row.amount as string),
    label: row.label as string | null,
    recipient: row.recipient as string | null,
  }
}

/** A rule by its id, removed or not: what decided a payment in the past. */
export function ever(db: Database, id: number): Rule | undefined {
  const row = statement(db, 'SELECT * FROM rules WHERE id = ?').get(id) as Sql | undefined
  return row && fromSql(row)
}
