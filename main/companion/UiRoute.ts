import type * as z from 'zod'
import type { Refusal, Reply } from '../uiapi/Contract.js'

/**
 * One endpoint of the UI API (UiApi.ts dispatches to it), and how it answers: a status with a JSON
 * text, BigInt amounts as decimal strings. A route refuses bad input by throwing a
 * {@link RouteError}, whose sentence the UI shows as it is.
 */
export type Route = {
  method: 'GET' | 'POST' | 'PATCH'
  /** Matched against the whole path (without the query); its groups become `params`. */
  path: RegExp
  answer(request: Matched): Reply | Promise<Reply>
  /** The live event sent once this route answered 200, so every window's screens read again. */
  announce?: 'settings.changed'
}

export type Matched = { params: string[]; query: URLSearchParams; body: unknown }

export class RouteError extends Error {
  override name = 'RouteError'
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message)
  }
}

export const ok = (body: unknown): Reply => ({ status: 200, json: toJson(body) })
export const failure = (status: number, error: string): Reply => ({ status, json: toJson({ error } satisfies Refusal) })

/** BigInt amounts travel as decimal strings. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, item: unknown) => (typeof item === 'bigint' ? item.toString() : item))
}

/** A request body checked against `schema`; a mismatch is a 400 naming the first problem. */
export function body<schema extends z.ZodType>(schema: schema, value: unknown, what: string): z.infer<schema> {
  const parsed = schema.safeParse(value)
  if (parsed.success) return parsed.data
  const issue = parsed.error.issues[0]
  const field = issue?.path.length ? `${issue.path.join('.')}: ` : ''
  throw new RouteError(400, `Invalid ${what}: ${field}${issue?.message ?? 'unreadable'}.`.replace(/\.\.$/, '.'))
}

/** Runs a check of the user's input (a ledger or money function that throws a sentence): its error is a 400. */
export function input<T>(read: () => T): T {
  try {
    return read()
  } catch (error) {
    throw new RouteError(400, (error as Error).message)
  }
}

export function notFound(what: string, id: number): RouteError {
  return new RouteError(404, `There is no ${what} ${id}.`)
}
