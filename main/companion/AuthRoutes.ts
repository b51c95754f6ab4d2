import * as z from 'zod'
import { Broker } from '../auth/Broker.js'
import type { Companion } from './Companion.js'
import { body, ok, RouteError, type Route } from './UiRoute.js'

/**
 * Signing in to servers, for the cards and the Servers screen. No token ever crosses here: the
 * page sees who is signed in where, the sign-ins waiting for the human and their links (an
 * authorization request carries no secret), and asks to open, dismiss, start or end them.
 *
 * - `GET /api/signins`: the sign-ins waiting for the human
 * - `POST /api/signins/:id/open`: **Sign in**: opens the system browser; answers the link too
 * - `POST /api/signins/:id/dismiss`: **Not now**
 * - `GET /api/auth`: who is signed in where
 * - `POST /api/auth/login` `{server}`: starts a sign-in (its card opens the browser at once)
 * - `POST /api/auth/logout` `{server}`: signs out, revoking the tokens where the server can
 */
export function routes(companion: Companion): Route[] {
  const broker = companion.auth
  const pending = (id: string) => {
    const found = broker.pending().find((request) => request.id === Number(id))
    if (!found) throw new RouteError(409, new Broker.NotPendingError(Number(id)).message)
    return found
  }
  return [
    { method: 'GET', path: /^\/api\/signins$/, answer: () => ok(broker.pending()) },
    {
      method: 'POST',
      path: /^\/api\/signins\/(\d{1,15})\/open$/,
      async answer(request) {
        const found = pending(request.params[0]!)
        const { url, opened } = await broker.openRequest(found.id)
        return ok({ url, opened, message: opened ? `Your browser opens ${found.authorizationHost} to sign in to ${found.label}.` : `Open this link in your browser to sign in to ${found.label}: ${url}` })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/signins\/(\d{1,15})\/dismiss$/,
      answer(request) {
        const found = pending(request.params[0]!)
        broker.dismiss(found.id)
        return ok({ message: `Not signed in to ${found.label}; the agent was told.` })
      },
    },
    { method: 'GET', path: /^\/api\/auth$/, answer: () => ok(broker.list()) },
    {
      method: 'POST',
      path: /^\/api\/auth\/login$/,
      async answer(request) {
        const { server } = body(ServerBody, request.body, 'sign-in')
        let started: Awaited<ReturnType<Broker['begin']>>
        try {
          started = await broker.begin(server, 'you, from Allowance')
        } catch (error) {
          throw new RouteError(400, (error as Error).message)
        }
        if ('request' in started) return ok({ request: started.request, message: `Sign in to ${started.request.label} in the browser window that opened.` })
        if (!started.result.ok) throw new RouteError(502, started.result.message)
        return ok({ message: started.result.message })
      },
    },
    {
      method: 'POST',
      path: /^\/api\/auth\/logout$/,
      async answer(request) {
        const { server } = body(ServerBody, request.body, 'sign-out')
        try {
          return ok(await broker.signOut(server))
        } catch (error) {
          throw new RouteError(400, (error as Error).message)
        }
      },
    },
  ]
}

const ServerBody = z.strictObject({ server: z.string().trim().min(1, 'give the server URL').max(2000) })
